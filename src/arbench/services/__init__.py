"""Use cases. Every write goes through here: permission check, change, audit event, one transaction.

Services take an open `Database` and an `Actor`, and return plain dataclasses, never ORM rows
bound to a session. No Qt.
"""
