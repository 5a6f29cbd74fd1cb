"""Recognises input the assistant cannot answer as a question: empty, too long,
no words, markup, or a language other than English."""

from __future__ import annotations

import re
import unicodedata

from contracts import EMPTY, MARKUP, MAX_MESSAGE_CHARS, NO_WORDS, NOT_ENGLISH, TOO_LONG

MARKUP_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Common function words of the languages staff are most likely to write in; none is an
# English word, so two of them and no English function word mark a non-English message.
FOREIGN_FUNCTION_WORDS = frozenset(
    """
    el los las del y que es puedo puede usar por para con una uno mi mis su sus pero como
    esta este está estoy hola gracias qué cómo dónde
    le les des du et est je tu il nous vous ils une pour avec sur dans pas peux ce
    bonjour merci
    der das und ist ich du wir sie nicht mit auf für ein eine darf kann mein meine
    hallo danke wie
    il gli della di che è sono posso una non ciao grazie
    os da em não eu posso com uma obrigado olá
    het een ik je niet mag kan hoe wat
    nie jest czy się mogę na jak dziękuję
    """.split()
)
ENGLISH_FUNCTION_WORDS = frozenset(
    """
    a an the i you he she we they it my your our their me us them is are was were be been
    am do does did can could may might must should would will shall have has had not no
    and or but if of to in on at for with from by about as into than then this that these
    those what who whom which when where why how there here any all some
    """.split()
)


def problem_with(text: str | None) -> str | None:
    """The kind of problem with a user's message, or None when it can be understood."""
    stripped = (text or "").strip()
    if not stripped:
        return EMPTY
    if len(stripped) > MAX_MESSAGE_CHARS:
        return TOO_LONG
    if MARKUP_TAG.search(stripped):
        return MARKUP
    words = [word.lower() for word in WORD.findall(stripped)]
    if not words:
        return NO_WORDS
    if _is_not_english(words):
        return NOT_ENGLISH
    return None


def _is_not_english(words: list[str]) -> bool:
    letters = [char for word in words for char in word]
    latin = sum(1 for char in letters if _is_latin(char))
    if latin < len(letters) / 2:
        return True
    foreign = sum(1 for word in words if word in FOREIGN_FUNCTION_WORDS)
    english = sum(1 for word in words if word in ENGLISH_FUNCTION_WORDS)
    return foreign >= 2 and foreign > english


def _is_latin(char: str) -> bool:
    return "LATIN" in unicodedata.name(char, "")
