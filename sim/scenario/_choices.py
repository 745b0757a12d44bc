"""The values a scenario key allows, read from the schema's types (msgspec.inspect), so that an
error for a bad enum value or union tag can list them instead of only naming the bad one."""

from __future__ import annotations

from typing import Any

import msgspec.inspect as mi

from .toml_lines import KeyPath


def allowed_values(type_: Any, path: KeyPath) -> tuple[str, ...]:
    """The literal or enum values, or the union tags, allowed at ``path`` of ``type_`` (empty
    when the key is not such a choice or the path cannot be followed)."""
    infos: list[mi.Type] = [mi.type_info(type_)]
    for part in path:
        infos = [step for info in infos for step in _step(info, part)]
    return tuple(dict.fromkeys(value for info in infos for value in _choices(info)))


def _members(info: mi.Type) -> list[mi.Type]:
    return [m for t in info.types for m in _members(t)] if isinstance(info, mi.UnionType) else [
        info]


def _step(info: mi.Type, part: str | int) -> list[mi.Type]:
    found: list[mi.Type] = []
    members = _members(info)
    tags = [m for m in members if isinstance(m, mi.StructType) and m.tag_field == part]
    if tags:  # the tag of a tagged union: its choices are the members' tags
        return [mi.LiteralType(tuple(str(m.tag) for m in tags))]
    for member in members:
        if isinstance(member, mi.StructType):
            found += [f.type for f in member.fields if f.encode_name == part]
        elif isinstance(member, mi.DictType):
            found.append(member.value_type)
        elif isinstance(member, mi.ListType | mi.VarTupleType | mi.SetType | mi.FrozenSetType):
            found.append(member.item_type)
    return found


def _choices(info: mi.Type) -> list[str]:
    values: list[str] = []
    for member in _members(info):
        if isinstance(member, mi.LiteralType):
            values += [str(v) for v in member.values]
        elif isinstance(member, mi.EnumType):
            values += [str(e.value) for e in member.cls]
    return values
