"""Reference data with provenance: regions, HS sections and chapters, partner countries.

See README.md in this folder for where every table comes from.
"""
