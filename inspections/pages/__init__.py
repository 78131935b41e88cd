"""The inspections app's workspace pages (/app/): inspector and unit-head work. See
docs/workspace.md."""
