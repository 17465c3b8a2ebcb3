"""calendar-feed: one events.yaml, published as an iCalendar feed and a web listing."""

__version__ = "0.1.0"
