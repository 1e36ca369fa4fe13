"""`python -m yusuan.check > docs/rules.md`: the rules document, generated from the registry."""
from . import rules_markdown

print(rules_markdown(), end="")
