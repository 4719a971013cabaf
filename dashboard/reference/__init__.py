"""Reference data with provenance: regions, HS names at every level, partner countries,
product baskets and partner groups.

See README.md in this folder for where every table comes from.
"""
