"""Import a schedule a seminar already keeps: Markdown pages, spreadsheets, calendar files.

Every source is read into the same plain rows (rows.Row), one normaliser turns
rows into events data, and source/writer.py writes it as events.yaml.
"""
