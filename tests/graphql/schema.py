"""A small schema for the GraphQL tests: sync and async resolvers, a mutation, a subscription,
errors of every kind, and a self-nesting type for depth tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import anyio
from graphql import (
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
)

from lette_fp import HTTPError


def _hello(root: Any, info: Any, name: str = "world") -> str:
    return f"Hello, {name}!"


async def _slow_hello(root: Any, info: Any, name: str = "world") -> str:
    await anyio.sleep(0)
    return f"Hello later, {name}!"


def _whoami(root: Any, info: Any) -> str:
    context = info.context
    if isinstance(context, dict) and "request" in context:
        return str(context["request"].headers.get("x-user", "anonymous"))
    return str(context)


def _boom(root: Any, info: Any) -> str:
    raise RuntimeError("database password is hunter2")


def _forbidden(root: Any, info: Any) -> str:
    raise HTTPError(403, "not yours")


def _refused(root: Any, info: Any) -> str:
    raise GraphQLError("told you so")


def _node(root: Any, info: Any) -> dict[str, Any]:
    return {"value": (root or {}).get("value", 0) + 1}


node_type: GraphQLObjectType = GraphQLObjectType(
    "Node",
    lambda: {
        "value": GraphQLField(GraphQLNonNull(GraphQLInt), resolve=lambda root, info: root["value"]),
        "child": GraphQLField(node_type, resolve=_node),
    },
)

query_type = GraphQLObjectType(
    "Query",
    {
        "hello": GraphQLField(GraphQLString, args={"name": GraphQLArgument(GraphQLString)}, resolve=_hello),
        "slowHello": GraphQLField(GraphQLString, args={"name": GraphQLArgument(GraphQLString)}, resolve=_slow_hello),
        "whoami": GraphQLField(GraphQLString, resolve=_whoami),
        "boom": GraphQLField(GraphQLString, resolve=_boom),
        "boomRequired": GraphQLField(GraphQLNonNull(GraphQLString), resolve=_boom),
        "forbidden": GraphQLField(GraphQLString, resolve=_forbidden),
        "refused": GraphQLField(GraphQLString, resolve=_refused),
        "node": GraphQLField(node_type, resolve=_node),
        "messages": GraphQLField(
            GraphQLNonNull(GraphQLList(GraphQLNonNull(GraphQLString))),
            resolve=lambda root, info: list(MESSAGES),
        ),
    },
)

MESSAGES: list[str] = []


def _add_message(root: Any, info: Any, text: str) -> list[str]:
    MESSAGES.append(text)
    return list(MESSAGES)


mutation_type = GraphQLObjectType(
    "Mutation",
    {
        "addMessage": GraphQLField(
            GraphQLNonNull(GraphQLList(GraphQLNonNull(GraphQLString))),
            args={"text": GraphQLArgument(GraphQLNonNull(GraphQLString))},
            resolve=_add_message,
        )
    },
)


async def _count(root: Any, info: Any, to: int, delay: float = 0.0) -> AsyncIterator[int]:
    for i in range(1, to + 1):
        if delay:
            await anyio.sleep(delay)
        yield i


async def _count_then_fail(root: Any, info: Any) -> AsyncIterator[int]:
    yield 1
    raise RuntimeError("stream broke: secret")


def _refuse_subscription(root: Any, info: Any) -> AsyncIterator[int]:
    raise GraphQLError("no ticks for you")


subscription_type = GraphQLObjectType(
    "Subscription",
    {
        "count": GraphQLField(
            GraphQLNonNull(GraphQLInt),
            args={
                "to": GraphQLArgument(GraphQLNonNull(GraphQLInt)),
                "delay": GraphQLArgument(GraphQLInt, default_value=0),
            },
            subscribe=lambda root, info, to, delay=0: _count(root, info, to, delay / 1000),
            resolve=lambda value, info, **args: value,
        ),
        "countThenFail": GraphQLField(
            GraphQLInt, subscribe=_count_then_fail, resolve=lambda value, info: value
        ),
        "refused": GraphQLField(GraphQLInt, subscribe=_refuse_subscription, resolve=lambda value, info: value),
        "whoami": GraphQLField(
            GraphQLString,
            subscribe=lambda root, info: _once(_whoami(root, info)),
            resolve=lambda value, info: value,
        ),
    },
)


async def _once(value: Any) -> AsyncIterator[Any]:
    yield value


schema = GraphQLSchema(query=query_type, mutation=mutation_type, subscription=subscription_type)
