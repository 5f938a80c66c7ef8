"""Discord's payload limits as pure functions: a JSON payload in, a list of error strings out.

Each error reads ``"path: message"``; the path is the dotted location in the payload, as in the
``errors`` tree of Discord's 50035 "Invalid Form Body" answer, so the fake can rebuild that tree.
discord.py checks none of these limits (except command names), so a bot that breaks one only
finds out from Discord.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Json = Mapping[str, Any]
NameRule = Callable[[str, Any], list[str]]

CONTENT_MAX = 2000
NONCE_MAX = 25
EMBEDS_MAX = 10
EMBEDS_TOTAL_MAX = 6000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_TEXT_MAX = 2048
AUTHOR_NAME_MAX = 256
ACTION_ROWS_MAX = 5
ROW_ITEMS_MAX = 5
BUTTON_LABEL_MAX = 80
BUTTON_URL_MAX = 512
EMBED_URL_MAX = 2048
CUSTOM_ID_MAX = 100
SELECT_OPTIONS_MAX = 25
SELECT_TEXT_MAX = 100
CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100
NAME_MAX = 32
DESCRIPTION_MAX = 100
OPTIONS_MAX = 25
CHAT_INPUT_COMMANDS_MAX = 100
MESSAGE_FILES = 10  # attachments of one message
THREAD_NAME_MAX = 100
POLL_QUESTION_MAX = 300
POLL_ANSWER_MAX = 55
POLL_ANSWERS_MAX = 10
POLL_HOURS = (1, 32 * 24)  # a poll lasts from an hour to 32 days
INTEGRATION_TYPES = {0, 1}  # guild install, user install
CONTEXTS = {0, 1, 2}  # guild, bot DM, private channel

IS_COMPONENTS_V2 = 1 << 15
_LINK_STYLE, _PREMIUM_STYLE = 5, 6
_SELECT_TYPES = {3, 5, 6, 7, 8}
_EMBED_URLS = ("url", "author.url", "author.icon_url", "footer.icon_url", "image.url")
_MENTION = re.compile(r"@(everyone|here)|<@!?(\d+)>|<@&(\d+)>")
_PARSE_ALL: Json = {"parse": ["everyone", "users", "roles"]}


def message_errors(message: Json, path: str = "") -> list[str]:
    """Errors in a message body: a create, an edit, or the data of an interaction response."""
    errors = _length(_at(path, "content"), message.get("content"), CONTENT_MAX)
    errors += _length(_at(path, "nonce"), message.get("nonce"), NONCE_MAX)
    embeds = message.get("embeds") or []
    errors += _count(_at(path, "embeds"), embeds, EMBEDS_MAX)
    for index, embed in enumerate(embeds):
        errors += embed_errors(embed, _at(path, f"embeds.{index}"))
    total = sum(embed_length(embed) for embed in embeds)
    if total > EMBEDS_TOTAL_MAX:
        errors.append(
            f"{_at(path, 'embeds')}: Embed size exceeds maximum size of {EMBEDS_TOTAL_MAX}"
            f" (got {total})."
        )
    v2 = bool((message.get("flags") or 0) & IS_COMPONENTS_V2)
    errors += component_errors(message.get("components") or [], _at(path, "components"), v2=v2)
    if message.get("poll") is not None:
        errors += poll_errors(message["poll"], _at(path, "poll"))
    return errors


def thread_name_errors(name: object, path: str = "name") -> list[str]:
    """A thread's name: 1 to 100 characters."""
    if not isinstance(name, str) or not 1 <= len(name) <= THREAD_NAME_MAX:
        return [f"{path}: Must be between 1 and {THREAD_NAME_MAX} in length."]
    return []


def poll_errors(poll: Json, path: str) -> list[str]:
    """A poll: question <= 300 characters, 1 to 10 answers of <= 55, 1 hour to 32 days."""
    question = (poll.get("question") or {}).get("text")
    errors = []
    if not isinstance(question, str) or not 1 <= len(question) <= POLL_QUESTION_MAX:
        errors.append(f"{path}.question.text: Must be between 1 and {POLL_QUESTION_MAX} in length.")
    answers = poll.get("answers") or []
    if not 1 <= len(answers) <= POLL_ANSWERS_MAX:
        errors.append(f"{path}.answers: Must be between 1 and {POLL_ANSWERS_MAX} in length.")
    for index, answer in enumerate(answers):
        text = (answer.get("poll_media") or {}).get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= POLL_ANSWER_MAX:
            errors.append(
                f"{path}.answers.{index}.poll_media.text: Must be between 1 and"
                f" {POLL_ANSWER_MAX} in length."
            )
    hours = poll.get("duration", 24)
    low, high = POLL_HOURS
    if not isinstance(hours, (int, float)) or not low <= hours <= high:
        errors.append(f"{path}.duration: Must be between {low} and {high}.")
    return errors


def is_empty_message(message: Json, *, has_files: bool = False) -> bool:
    """True if a new message would have nothing to show (Discord answers 50006)."""
    keys = ("content", "embeds", "components", "sticker_ids", "poll")
    return not has_files and not any(message.get(key) for key in keys)


def embed_errors(embed: Json, path: str) -> list[str]:
    """Errors in one embed (the 6000-character total is checked by ``message_errors``)."""
    errors = _length(_at(path, "title"), embed.get("title"), EMBED_TITLE_MAX)
    errors += _length(_at(path, "description"), embed.get("description"), EMBED_DESCRIPTION_MAX)
    errors += _length(_at(path, "footer.text"), _get(embed, "footer", "text"), FOOTER_TEXT_MAX)
    errors += _length(_at(path, "author.name"), _get(embed, "author", "name"), AUTHOR_NAME_MAX)
    for where in _EMBED_URLS:
        errors += _length(_at(path, where), _get(embed, *where.split(".")), EMBED_URL_MAX)
    fields = embed.get("fields") or []
    errors += _count(_at(path, "fields"), fields, EMBED_FIELDS_MAX)
    for index, field in enumerate(fields):
        at = _at(path, f"fields.{index}")
        errors += _length(f"{at}.name", field.get("name"), FIELD_NAME_MAX, minimum=1)
        errors += _length(f"{at}.value", field.get("value"), FIELD_VALUE_MAX, minimum=1)
    return errors


def embed_length(embed: Json) -> int:
    """The characters of an embed that count towards the 6000 limit of a message."""
    texts = [
        embed.get("title"),
        embed.get("description"),
        _get(embed, "footer", "text"),
        _get(embed, "author", "name"),
    ]
    for field in embed.get("fields") or []:
        texts += [field.get("name"), field.get("value")]
    return sum(len(text) for text in texts if text)


def component_errors(components: Sequence[Json], path: str, *, v2: bool = False) -> list[str]:
    """Errors in a message's components; ``v2`` messages may use layouts instead of rows."""
    errors = [] if v2 else _count(path, components, ACTION_ROWS_MAX)
    for index, component in enumerate(components):
        errors += _component_errors(component, f"{path}.{index}")
    return errors


def _component_errors(component: Json, path: str) -> list[str]:
    kind = component.get("type")
    errors: list[str] = []
    children = component.get("components") or []
    if kind == 1:
        errors += _count(f"{path}.components", children, ROW_ITEMS_MAX)
        if len(children) > 1 and any(child.get("type") in _SELECT_TYPES for child in children):
            errors.append(f"{path}.components: A select menu must be alone in its action row.")
    elif kind == 2:
        errors += _button_errors(component, path)
    elif kind in _SELECT_TYPES:
        errors += _custom_id_errors(component, path)
        options = component.get("options") or []
        if kind == 3:
            errors += _count(f"{path}.options", options, SELECT_OPTIONS_MAX, minimum=1)
        for index, option in enumerate(options):
            at = f"{path}.options.{index}"
            errors += _length(f"{at}.label", option.get("label"), SELECT_TEXT_MAX, minimum=1)
            errors += _length(f"{at}.value", option.get("value"), SELECT_TEXT_MAX, minimum=1)
            errors += _length(f"{at}.description", option.get("description"), SELECT_TEXT_MAX)
    for index, child in enumerate(children):
        errors += _component_errors(child, f"{path}.components.{index}")
    if "accessory" in component:
        errors += _component_errors(component["accessory"], f"{path}.accessory")
    return errors


def _button_errors(button: Json, path: str) -> list[str]:
    errors = _length(f"{path}.label", button.get("label"), BUTTON_LABEL_MAX)
    style = button.get("style")
    if style == _LINK_STYLE:
        if not button.get("url"):
            errors.append(f"{path}.url: A link button needs a url.")
        errors += _length(f"{path}.url", button.get("url"), BUTTON_URL_MAX)
        if "custom_id" in button:
            errors.append(f"{path}.custom_id: A link button cannot have a custom_id.")
    elif style != _PREMIUM_STYLE:
        errors += _custom_id_errors(button, path)
    return errors


def _custom_id_errors(component: Json, path: str) -> list[str]:
    return _length(f"{path}.custom_id", component.get("custom_id", ""), CUSTOM_ID_MAX, minimum=1)


def choice_errors(choices: Sequence[Json], path: str) -> list[str]:
    """Errors in a list of choices: an autocomplete answer or a command option's fixed choices."""
    errors = _count(path, choices, CHOICES_MAX)
    for index, choice in enumerate(choices):
        at = f"{path}.{index}"
        errors += _length(f"{at}.name", choice.get("name"), CHOICE_NAME_MAX, minimum=1)
        errors += _localization_errors(choice, at, _choice_name_errors)
        if isinstance(choice.get("value"), str):
            errors += _length(f"{at}.value", choice["value"], CHOICE_VALUE_MAX)
    return errors


def callback_errors(callback: Json) -> list[str]:
    """Errors in an interaction callback body (``{"type": N, "data": {...}}``)."""
    data = callback.get("data") or {}
    if callback.get("type") in (4, 7):
        return message_errors(data, "data")
    if callback.get("type") == 8:
        return choice_errors(data.get("choices") or [], "data.choices")
    return []


def command_errors(commands: Sequence[Json]) -> list[str]:
    """Errors in the list of a bulk command overwrite (``PUT .../commands``), global or guild."""
    slash = [command for command in commands if command.get("type", 1) == 1]
    errors = _count("commands", slash, CHAT_INPUT_COMMANDS_MAX)
    seen: set[tuple[int, str]] = set()
    for index, command in enumerate(commands):
        key = (command.get("type", 1), command.get("name", ""))
        if key in seen:
            errors.append(f"{index}.name: Application command names must be unique.")
        seen.add(key)
        errors += _command_errors(command, str(index))
        for field, allowed in (("integration_types", INTEGRATION_TYPES), ("contexts", CONTEXTS)):
            values = command.get(field)
            if values is not None and (not values or not set(values) <= allowed):
                errors.append(f"{index}.{field}: {values!r} is not a subset of {sorted(allowed)}")
    return errors


def _command_errors(command: Json, path: str) -> list[str]:
    if command.get("type", 1) != 1:
        # Context menus: any 1-32 characters, and no description at all.
        errors = _menu_name_errors(f"{path}.name", command.get("name"))
        errors += _localization_errors(command, path, _menu_name_errors)
        if command.get("description"):
            errors.append(f"{path}.description: Context menu commands cannot have a description.")
        return errors
    return _described_errors(command, path)


def _described_errors(item: Json, path: str) -> list[str]:
    """A slash command or one of its options: strict name, description, options, choices."""
    errors = _name_errors(f"{path}.name", item.get("name"))
    errors += _length(f"{path}.description", item.get("description"), DESCRIPTION_MAX, minimum=1)
    errors += _localization_errors(item, path, _name_errors)
    options = item.get("options") or []
    errors += _count(f"{path}.options", options, OPTIONS_MAX)
    for index, option in enumerate(options):
        errors += _described_errors(option, f"{path}.options.{index}")
    if "choices" in item:
        errors += choice_errors(item["choices"], f"{path}.choices")
    return errors


def _localization_errors(item: Json, path: str, name_rule: NameRule) -> list[str]:
    # discord.py validates a command's own name but not what a Translator returns for it.
    errors: list[str] = []
    for locale, name in (item.get("name_localizations") or {}).items():
        errors += name_rule(f"{path}.name_localizations.{locale}", name)
    for locale, text in (item.get("description_localizations") or {}).items():
        at = f"{path}.description_localizations.{locale}"
        errors += _length(at, text, DESCRIPTION_MAX, minimum=1)
    return errors


def _name_errors(path: str, name: Any) -> list[str]:
    """Discord's ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lower case where possible."""
    if not isinstance(name, str):
        return [f"{path}: This field is required."]
    errors = _length(path, name, NAME_MAX, minimum=1)
    if not all(map(_is_name_character, name)):
        errors.append(f"{path}: Name {name!r} may only use letters, numbers, - _ and '.")
    elif name != name.lower():
        errors.append(f"{path}: Name {name!r} must be lower case.")
    return errors


def _menu_name_errors(path: str, name: Any) -> list[str]:
    return _length(path, name, NAME_MAX, minimum=1)


def _choice_name_errors(path: str, name: Any) -> list[str]:
    return _length(path, name, CHOICE_NAME_MAX, minimum=1)


def _is_name_character(character: str) -> bool:
    # str.isalpha is exactly \p{L}; isnumeric covers \p{N}; the two scripts also allow their marks.
    script = unicodedata.name(character, "").split(" ")[0]
    return (
        character in "-_'"
        or character.isalpha()
        or character.isnumeric()
        or script in ("DEVANAGARI", "THAI")
    )


def would_ping(content: str | None, allowed_mentions: Json | None) -> bool:
    """True if ``content`` mentions someone whom ``allowed_mentions`` lets Discord notify.

    Without ``allowed_mentions`` Discord parses every mention. Embeds never ping, and replies
    (``replied_user``) are not considered.
    """
    allowed = allowed_mentions if allowed_mentions is not None else _PARSE_ALL
    parse = allowed.get("parse") or []
    for match in _MENTION.finditer(content or ""):
        everyone, user, role = match.groups()
        if everyone and "everyone" in parse:
            return True
        if user and ("users" in parse or int(user) in map(int, allowed.get("users") or [])):
            return True
        if role and ("roles" in parse or int(role) in map(int, allowed.get("roles") or [])):
            return True
    return False


def _length(path: str, value: Any, maximum: int, minimum: int = 0) -> list[str]:
    if value is None:
        return [f"{path}: This field is required."] if minimum else []
    size = len(str(value))
    if minimum <= size <= maximum:
        return []
    bounds = f"{maximum} or fewer" if not minimum else f"between {minimum} and {maximum}"
    return [f"{path}: Must be {bounds} in length (got {size})."]


def _count(path: str, items: Sequence[Any], maximum: int, minimum: int = 0) -> list[str]:
    if minimum <= len(items) <= maximum:
        return []
    bounds = f"{maximum} or fewer" if not minimum else f"between {minimum} and {maximum}"
    return [f"{path}: Must be {bounds} in length (got {len(items)} items)."]


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _get(mapping: Json, outer: str, inner: str | None = None) -> Any:
    value = mapping.get(outer)
    return value if inner is None else (value or {}).get(inner)


def too_many_files(files: Sequence[object]) -> str:
    """The error for a message with more attachments than Discord takes."""
    return f"files: {len(files)} attachments, at most {MESSAGE_FILES}"
