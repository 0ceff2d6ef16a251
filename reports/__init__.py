"""Output adapters: PDF (reportlab) and spreadsheets. Blocking; call through asyncio.to_thread."""
