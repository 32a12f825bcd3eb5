"""What the coder's own path (the types the rule engine does not code yet) carries through one article.

One ``ArticleState`` is made per article and passed to the functions that read or update it; the coder keeps no
per-article fields. The rule engine keeps its own
(``clause.Discourse``), passed from sentence to sentence in the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..model import Entity

# the grammatical subject and object of the last trigger coded, with the bounds of its sentence
LastCoded = tuple[tuple[int, int], tuple[list[Entity], list[Entity]]]


@dataclass
class ArticleState:
    """Discourse state of one article for the coder: who was named, who acted, what the sentence has coded."""

    persons: list[tuple[int, Entity]] = field(default_factory=list)  # (offset, person) of every person mention
    event_persons: list[Entity] = field(default_factory=list)  # persons of the diplomacy events coded so far
    last_actor: Entity | None = None  # the last person acting in diplomacy, for a subject a next sentence drops
    last_actor_sentence: int = -9
    last_coded: LastCoded | None = None  # subject/object of the last trigger, for a pronoun in the next one
    verb_starts: set[int] = field(default_factory=set)  # token indices of verbal triggers in the current sentence
    last_office: Entity | None = None  # the ministry/presidency last named, for "الوزارة" after it

    def note_actor(self, person: Entity, sentence: int) -> None:
        self.last_actor, self.last_actor_sentence = person, sentence

    def coded_in(self, s: int, e: int) -> tuple[list[Entity], list[Entity]] | None:
        """Subject and object of the last trigger when it was in the sentence s..e, else None."""
        if self.last_coded is not None and self.last_coded[0] == (s, e):
            return self.last_coded[1]
        return None

    def persons_fitting(self, fits: Callable[[Entity], bool]) -> ArticleState:
        """A view holding only the persons that ``fits`` accepts ("الوزيران": two ministers)."""
        return replace(self, persons=[(st, e) for st, e in self.persons if fits(e)],
                       event_persons=[e for e in self.event_persons if fits(e)])
