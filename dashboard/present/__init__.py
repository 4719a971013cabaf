"""Output: charts, images, CSV/XLSX exports and PPTX decks."""
