"""Merging: near-duplicate articles (MinHash LSH) and stories across outlets."""

from .dedup import NearDuplicates
from .stories import build_stories

__all__ = ["NearDuplicates", "build_stories"]
