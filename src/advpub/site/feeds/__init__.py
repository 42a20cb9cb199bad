"""Feeds for subscribers: Atom, RSS 2.0, JSON Feed 1.1 and JVNRSS, site-wide and per listing.

``feed_outputs`` is the build generator; ``feed_links`` tells page templates which feeds to
advertise with ``<link rel="alternate">``.
"""

from advpub.site.feeds.generate import feed_outputs
from advpub.site.feeds.links import FeedLink, feed_links, feeds_enabled

__all__ = ["FeedLink", "feed_links", "feed_outputs", "feeds_enabled"]
