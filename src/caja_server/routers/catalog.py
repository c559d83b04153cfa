"""What is installed: activity types and plugins."""

from __future__ import annotations

from fastapi import APIRouter

from caja_core.activity import answer_schema_of
from caja_server.deps import Host, Language
from caja_server.errors import error_responses
from caja_server.schemas import ActionOut, ActivityTypeOut, PluginOut, PluginRef

router = APIRouter(prefix="/api", tags=["catalog"])


@router.get(
    "/activity-types",
    summary="Installed activity types",
    response_model=list[ActivityTypeOut],
    responses=error_responses(422),
)
def list_activity_types(host: Host, language: Language) -> list[ActivityTypeOut]:
    """Every activity type with its plugin, config and answer JSON Schemas (the admin form
    and the generic participant form) and its admin actions with their body schemas. Texts
    (titles, descriptions, the schemas' titles and descriptions, action titles) are in the
    requested language (``?lang=``, else ``Accept-Language``) where the type translates
    them, English otherwise."""
    out = []
    for activity_type, plugin in host.activity_types():
        t = activity_type.translator(language)
        out.append(
            ActivityTypeOut(
                name=activity_type.name,
                title=t.gettext(activity_type.title),
                description=t.gettext(activity_type.description),
                plugin=PluginRef(
                    name=plugin.name, distribution=plugin.distribution, version=plugin.version
                ),
                config_schema=t.schema(activity_type.config_schema()),
                answer_schema=t.schema(answer_schema_of(activity_type)),
                results_schema=activity_type.results_schema(),
                item_schema=t.schema(activity_type.item_schema() or {}) or None,
                actions=[
                    ActionOut(
                        name=name,
                        title=t.gettext(activity_type.action_titles.get(name, name)),
                        body_schema=t.schema(model.model_json_schema()),
                    )
                    for name, model in sorted(activity_type.actions.items())
                ],
                web_component=activity_type.web_component,
                language=language,
            )
        )
    return out


@router.get("/plugins", summary="Plugins, loaded and failed", response_model=list[PluginOut])
def list_plugins(host: Host) -> list[PluginOut]:
    """Every plugin the server tried to load; ``error`` says why one failed."""
    return [
        PluginOut(
            name=p.name,
            distribution=p.distribution,
            version=p.version,
            loaded=p.error is None,
            activity_types=list(p.activity_types),
            error=p.error,
        )
        for p in host.plugins
    ]
