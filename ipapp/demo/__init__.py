"""Demo data for development and the demo sign-in: one fictional plan, dated relative to today."""

from ipapp.demo.seed import DemoCast, load_demo, load_demo_if_empty

__all__ = ["DemoCast", "load_demo", "load_demo_if_empty"]
