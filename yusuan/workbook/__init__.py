"""The budget workbook (XLSX) a finance officer fills: written by `yusuan workbook`, read like budget.yaml.

layout.py declares the sheets and columns once; write.py draws them; read.py finds them
again and returns the same Budget the YAML loader does, with every error naming sheet!cell.
"""
