"""Exchange rates: bank sources, rates files, averages and conversion of trade values."""
