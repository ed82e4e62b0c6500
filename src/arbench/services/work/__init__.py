"""The collector's work on items: the worklist, item actions and their rules, the day's plan, scripts, undo."""
