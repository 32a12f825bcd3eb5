"""Web UI and JSON API (FastAPI + Jinja2)."""

from .app import create_app, serve

__all__ = ["create_app", "serve"]
