"""Arabic text utilities: normalisation for matching and search, tokens and sentences with offsets."""

from .normalize import fold_digits, light_stem, normalize, normalize_with_map, search_terms, strip_diacritics
from .text import sentences, tokens

__all__ = ["fold_digits", "light_stem", "normalize", "normalize_with_map", "search_terms", "sentences", "strip_diacritics", "tokens"]
