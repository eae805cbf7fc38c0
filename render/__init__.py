"""Render explainer videos from YAML scripts (library; the CLI is render.cli)."""
