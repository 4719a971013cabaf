"""Work run on request or on a schedule: bringing every source up to date.

The `update` command and the Data page share it. Above data and rates (it drives
both refreshes), below the two front ends (ui and cli); no streamlit here.
"""
