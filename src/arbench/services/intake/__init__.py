"""What comes in: invoice registers, remittances and EDI files, account aliases, pre-audit."""
