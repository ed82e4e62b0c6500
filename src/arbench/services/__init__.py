"""Use cases. Every write goes through here: permission check, change, audit event, one transaction.

Services take an open `Database` and an `Actor`, and return plain dataclasses, never ORM rows
bound to a session. No Qt.

Grouped by use case, each package importing only what it uses (no re-exports here):
- `work`: the collector's items: worklist, actions, resolution, promises, the day's plan, undo;
- `intake`: invoice registers, remittances and EDI files, aliases, pre-audit;
- `organization`: users, assignment, handover and covers (and, with departments, requests);
- `reporting`: KPIs, aging, exports, book statistics;
- `knowledge`: content (scripts, notes, templates) and training;
- `correspondence`: emails from templates (and, with mail, documents and statements);
- `admin`: first run, the demo, backups, the company profile, database logins;
- at the top, what every use case shares: `base` (actors, errors, audit), `permissions`,
  `op_changes` (the change record a write returns), `changes` (what others changed, live),
  `database`, `settings`, `identity`.
"""
