"""Command modules of the `yusuan` CLI; each defines ``register(app: typer.Typer)``."""
