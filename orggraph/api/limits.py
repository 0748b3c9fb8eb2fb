"""Abuse limits: no query may take the service down (issue #7).

Depth, aliases and tokens are strawberry's own limiters (0.315.7+ handles circular fragments
without recursing forever); the cost rule below bounds the work a query may ask for by
multiplying each paged field's subtree by its page size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
)
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as create_alias_validator
from strawberry.extensions.query_depth_limiter import (
    create_validator as create_depth_validator,
)

from orggraph.store.values import MAX_PAGE_SIZE


@dataclass(frozen=True)
class Limits:
    """The limits in force; the defaults let every dashboard query through with room."""

    max_depth: int = 20
    max_aliases: int = 30
    max_tokens: int = 2_000
    max_cost: int = 100_000
    max_repeats: int = 10
    """Times one field (one response name) may appear in one selection set."""
    introspection: bool = True


class CostLimit(ValidationRule):
    """Refuses an operation whose estimated cost exceeds the limit.

    Each field costs 1 plus its subtree; a field with a `first` argument multiplies its
    subtree by that page size (a variable counts as the largest page, since validation runs
    before variables are known). Fragment spreads are followed once per path, so a circular
    fragment (refused anyway by validation) cannot loop here.
    """

    max_cost = Limits.max_cost

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.fragments = {
            definition.name.value: definition
            for definition in context.document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        cost = self._cost(node.selection_set, frozenset())
        if cost > self.max_cost:
            self.report_error(
                GraphQLError(
                    f"query cost {cost} exceeds the limit of {self.max_cost}; "
                    "ask for smaller pages or fewer nested lists",
                    node,
                    extensions={"code": "QUERY_TOO_COSTLY"},
                )
            )

    def _cost(self, selection_set: SelectionSetNode | None, seen: frozenset[str]) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += 1 + self._page_size(selection) * self._cost(selection.selection_set, seen)
            elif isinstance(selection, InlineFragmentNode):
                total += self._cost(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    total += self._cost(fragment.selection_set, seen | {name})
            if total > self.max_cost:
                return total
        return total

    @staticmethod
    def _page_size(field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value != "first":
                continue
            if isinstance(argument.value, IntValueNode):
                return max(1, min(int(argument.value.value), MAX_PAGE_SIZE))
            if isinstance(argument.value, VariableNode):
                return MAX_PAGE_SIZE
        return 1


class RepeatLimit(ValidationRule):
    """Refuses a selection set that names the same field more than the limit allows.

    GraphQL merges repeated fields into one answer, but validation compares every pair of
    them, so `{ a a a ... }` costs the server work that grows with the square of the
    repeats while its answer stays one line (the "field duplication" attack). No dashboard
    repeats a field more than a few times (fragments that overlap, say).
    """

    max_repeats = Limits.max_repeats

    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
        seen: dict[str, int] = {}
        for selection in node.selections:
            if not isinstance(selection, FieldNode):
                continue
            name = (selection.alias or selection.name).value
            seen[name] = seen.get(name, 0) + 1
            if seen[name] == self.max_repeats + 1:
                self.report_error(
                    GraphQLError(
                        f"field '{name}' is asked for more than {self.max_repeats} times in "
                        "one selection",
                        selection,
                        extensions={"code": "QUERY_TOO_REPETITIVE"},
                    )
                )


ExtensionFactory = Callable[[], SchemaExtension]
CACHED_DOCUMENTS = 256
"""Parsed and validated documents kept: dashboards send the same few queries over and over."""


def limit_extensions(limits: Limits) -> list[ExtensionFactory]:
    """Factories for the schema extensions that enforce `limits` (a fresh one per request).

    The depth and alias rules are strawberry's own (0.315.7+, safe on circular fragments),
    made once here rather than per request, so the rules are the same classes every time and
    a repeated query's validation comes from the cache instead of being redone.
    """

    class ConfiguredCostLimit(CostLimit):
        max_cost = limits.max_cost

    class ConfiguredRepeatLimit(RepeatLimit):
        max_repeats = limits.max_repeats

    rules: list[type[ASTValidationRule]] = [
        create_depth_validator(limits.max_depth, None),
        create_alias_validator(limits.max_aliases),
        ConfiguredCostLimit,
        ConfiguredRepeatLimit,
    ]
    if not limits.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return [
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
    ]
