"""Shipped resources: icons, stylesheets, resolution scripts and training notes (arbench._resources)."""
