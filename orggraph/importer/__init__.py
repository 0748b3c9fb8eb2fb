"""Ledgers into a store and back: validate everything, then write in atomic batches; export."""

from orggraph.importer.export import export_ledger
from orggraph.importer.run import ImportReport, import_ledger

__all__ = ["ImportReport", "export_ledger", "import_ledger"]
