"""Arabic text utilities: normalisation for matching and search, tokens and sentences with offsets."""

from .normalize import fold_digits, normalize, normalize_with_map, strip_diacritics
from .text import sentences, tokens

__all__ = ["fold_digits", "normalize", "normalize_with_map", "sentences", "strip_diacritics", "tokens"]
