"""Eco-map pages and exports. Thin: each finds its map through :func:`_map`, which answers 404 to
anyone who may not see it (so a private community's map and every export of it do not exist for
outsiders), and calls the services for every change. The drawing is read from the map as stored;
no view lays a map out."""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from communities.models import CommunityPage
from ecomaps import services
from ecomaps.csv_import import COLUMNS, export_rows
from ecomaps.forms import (
    AnnotationForm,
    CompareForm,
    ImportForm,
    JourneyEditForm,
    JourneyForm,
    LinkForm,
    MapForm,
    NudgeForm,
    ReviewResponseForm,
    StationEditForm,
    StationForm,
)
from ecomaps.models import (
    Annotation,
    EcoMap,
    Endorsement,
    Journey,
    Link,
    Review,
    ReviewResponse,
    Revision,
    Station,
    Stop,
    Suggestion,
)
from ecomaps.permissions import MapAccess, community_map_access, map_access, priority_map_access
from ecomaps.png import svg_to_png
from ecomaps.render import journey_style
from ecomaps.revisions import compare
from ecomaps.work import overlay, visible_work, with_overlay
from projects.models import PriorityPage, ProjectPage


def _map(request: HttpRequest, map_id: int) -> tuple[EcoMap, MapAccess]:
    ecomap = EcoMap.objects.select_related("community", "priority").filter(pk=map_id).first()
    if ecomap is None:
        raise Http404("No such map")
    access = map_access(request.user, ecomap)
    if not access.can_view:
        raise Http404("No such map")
    return ecomap, access


def _owner_crumbs(ecomap: EcoMap, request: HttpRequest) -> list[dict]:
    owner = ecomap.owner
    crumbs = [{"url": "/", "label": "Home"}, {"url": owner.get_url(request=request), "label": owner.title}]
    if ecomap.community_id:
        crumbs.append({"url": reverse("ecomaps:community", args=[owner.slug]), "label": "System maps"})
    else:
        crumbs.append({"url": reverse("ecomaps:priority", args=[owner.slug]), "label": "System maps"})
    return crumbs


def _maps_page(request: HttpRequest, *, owner, can_view: bool, can_edit: bool, field: str) -> HttpResponse:
    if not can_view:
        raise Http404("Not found")
    form = MapForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if not request.user.is_authenticated or form is None:
            raise Http404("Not found")
        if form.is_valid():
            try:
                ecomap = services.create_map(user=request.user, **form.cleaned_data, **{field: owner})
            except services.MapError as error:
                form.add_error(None, str(error))
            else:
                return redirect("ecomaps:map", ecomap.pk)
    maps = EcoMap.objects.filter(**{field: owner}).annotate(station_count=Count("stations", distinct=True))
    return render(
        request,
        "ecomaps/maps.html",
        {
            "owner": owner,
            "maps": maps,
            "form": form,
            "crumbs": [{"url": "/", "label": "Home"}, {"url": owner.get_url(request=request), "label": owner.title}],
        },
    )


def community_maps(request: HttpRequest, slug: str) -> HttpResponse:
    community = CommunityPage.objects.filter(slug=slug).first()
    if community is None:
        raise Http404("No such community")
    access = community_map_access(request.user, community)
    return _maps_page(request, owner=community, can_view=access.can_view, can_edit=access.can_edit, field="community")


def priority_maps(request: HttpRequest, slug: str) -> HttpResponse:
    priority = PriorityPage.objects.filter(slug=slug).first()
    if priority is None:
        raise Http404("No such priority")
    access = priority_map_access(request.user, priority)
    return _maps_page(request, owner=priority, can_view=access.can_view, can_edit=access.can_edit, field="priority")


def _content(ecomap: EcoMap, user, request: HttpRequest | None = None) -> dict:
    """Everything the text alternative and the JSON export show, in a fixed number of queries."""
    stations = list(Station.objects.filter(map=ecomap).order_by("name", "key"))
    by_id = {s.pk: s for s in stations}
    journeys = list(Journey.objects.filter(map=ecomap).order_by("order", "key"))
    stops: dict[int, list[Station]] = defaultdict(list)
    for journey_id, station_id in (
        Stop.objects.filter(journey__map=ecomap).order_by("journey", "position").values_list("journey_id", "station_id")
    ):
        stops[journey_id].append(by_id[station_id])
    links = list(Link.objects.filter(map=ecomap).select_related("source", "target"))
    notes = list(
        Annotation.objects.filter(map=ecomap)
        .annotate(endorsement_count=Count("endorsements", distinct=True), work_count=Count("work", distinct=True))
        .order_by("created_at", "pk")
    )
    # Write-ups addressing notes are shown only to those who may see them (queries only when there are some).
    work_ids: dict[int, list[int]] = defaultdict(list)
    if any(note.work_count for note in notes):
        for note_id, project_id in (
            Annotation.work.through.objects.filter(annotation__map=ecomap)
            .order_by("projectpage_id")
            .values_list("annotation_id", "projectpage_id")
        ):
            work_ids[note_id].append(project_id)
    visible = visible_work(user, {pk for ids in work_ids.values() for pk in ids}, request=request)
    mine = set()
    if user.is_authenticated:
        mine = set(
            Endorsement.objects.filter(annotation__map=ecomap, user=user).values_list("annotation_id", flat=True)
        )
    at_station: dict[int, list] = defaultdict(list)
    at_step: dict[tuple[int, int], list] = defaultdict(list)
    at_link: dict[int, list] = defaultdict(list)
    for note in notes:
        note.endorsed_by_me = note.pk in mine
        note.visible_work = [visible[pk] for pk in work_ids.get(note.pk, ()) if pk in visible]
        if note.station_id:
            at_station[note.station_id].append(note)
        elif note.journey_id:
            at_step[(note.journey_id, note.segment_position)].append(note)
        else:
            at_link[note.link_id].append(note)
    through: dict[int, list[Journey]] = defaultdict(list)
    layout_order = {j["key"]: i for i, j in enumerate(ecomap.layout.get("journeys", []))}
    journey_rows = []
    for journey in journeys:
        colour, dash = journey_style(layout_order.get(journey.key, 0))
        steps = []
        for position, station in enumerate(stops[journey.pk]):
            if journey not in through[station.pk]:
                through[station.pk].append(journey)
            steps.append(
                {
                    "number": position + 1,
                    "station": station,
                    "station_notes": at_station.get(station.pk, []),
                    "step_notes": at_step.get((journey.pk, position), []),
                    "next": stops[journey.pk][position + 1] if position + 1 < len(stops[journey.pk]) else None,
                }
            )
        journey_rows.append({"journey": journey, "steps": steps, "colour": colour, "dashed": bool(dash)})
    station_rows = [
        {"station": s, "journeys": through.get(s.pk, []), "notes": at_station.get(s.pk, [])} for s in stations
    ]
    link_rows = [{"link": link, "notes": at_link.get(link.pk, [])} for link in links]
    journey_key = {j.pk: j.key for j in journeys}
    link_keys = {link.pk: (link.source.key, link.target.key) for link in links}
    drawn = sorted(notes, key=lambda note: note.pk)  # the order ecomaps.services.redraw draws them in
    badges = (
        overlay(
            ecomap.layout,
            [_drawn_entry(note, by_id, journey_key, link_keys) for note in drawn],
            [note.visible_work for note in drawn],
        )
        if visible and ecomap.layout.get("stations") is not None
        else ""
    )
    return {
        "svg": with_overlay(ecomap.svg, badges),
        "work_count": sum(1 for note in notes if note.visible_work),
        "journeys": journey_rows,
        "stations": station_rows,
        "links": link_rows,
        "notes": notes,
        "annotation_count": len(notes),
        "lived_experience_count": sum(1 for n in notes if n.lived_experience),
    }


def _drawn_entry(note: Annotation, stations: dict, journey_key: dict, link_keys: dict) -> dict:
    """``note`` as :func:`ecomaps.services.redraw` gave it to the drawing (to find its marker)."""
    if note.station_id:
        return {"station": stations[note.station_id].key}
    if note.journey_id:
        return {"journey": journey_key[note.journey_id], "position": note.segment_position}
    source, target = link_keys[note.link_id]
    return {"link_from": source, "link_to": target}


def _annotation_form(access: MapAccess, content: dict) -> AnnotationForm | None:
    """The "add an annotation" form, whose "Pinned to" lists every station, step and link."""
    targets = [(f"station:{row['station'].key}", f"Station: {row['station'].name}") for row in content["stations"]]
    for row in content["journeys"]:
        for step in row["steps"][:-1]:
            targets.append(
                (
                    f"step:{row['journey'].key}:{step['number']}",
                    f"{row['journey'].name}, step {step['number']}: {step['station'].name} to {step['next'].name}",
                )
            )
    targets += [(f"link:{r['link'].pk}", f"Link: {r['link']}") for r in content["links"]]
    return AnnotationForm(prefix="note", targets=targets) if access.can_contribute and targets else None


# The text alternative is kept rendered per map version and editing rights (every change to what
# it shows goes through services.redraw, which bumps the version). What differs between viewers of
# one version stays out of the kept copy: each annotation (endorsements, the viewer's own
# endorsement, write-ups they may see, the buttons their rights give) is a slot filled per request,
# and CSRF tokens are a placeholder replaced by the viewer's own.
TEXT_CACHE_SECONDS = 24 * 3600
_CSRF_SLOT = "ecomap-csrf-slot"
_NOTE_SLOT = re.compile(r"<!--ecomap-note:(\d+):([01])-->")


def _text(ecomap: EcoMap, access: MapAccess, content: dict, request: HttpRequest) -> str:
    # The time of the last change as well: a map restored from a backup may repeat a pk and version.
    key = f"ecomaps:text:{ecomap.pk}:{ecomap.version}:{ecomap.updated_at.timestamp()}:{int(access.can_edit)}"
    kept = cache.get(key)
    if kept is None:
        context = {"ecomap": ecomap, "access": access, "note_slots": True, "csrf_token": _CSRF_SLOT, **content}
        kept = render_to_string("ecomaps/includes/text.html", context)
        cache.set(key, kept, TEXT_CACHE_SECONDS)
    notes = {note.pk: note for note in content["notes"]}
    template = get_template("ecomaps/includes/note.html")
    shown: dict[tuple[str, str], str] = {}

    def fill(match: re.Match) -> str:
        if match.groups() not in shown:
            note = notes.get(int(match[1]))
            context = {"note": note, "repeated": match[2] == "1", "access": access, "ecomap": ecomap}
            shown[match.groups()] = template.render(context, request) if note is not None else ""
        return shown[match.groups()]

    if _CSRF_SLOT in kept:  # only then: asking for a token sets the CSRF cookie (no forms, no cookie)
        kept = kept.replace(_CSRF_SLOT, get_token(request))
    return mark_safe(_NOTE_SLOT.sub(fill, kept))  # noqa: S308 - rendered above


def map_page(request: HttpRequest, map_id: int) -> HttpResponse:
    ecomap, access = _map(request, map_id)
    content = _content(ecomap, request.user, request)
    view = "list" if request.GET.get("view") == "list" else "map"
    return render(
        request,
        "ecomaps/map.html",
        {
            "ecomap": ecomap,
            "access": access,
            "view": view,
            "crumbs": _owner_crumbs(ecomap, request),
            "station_form": StationForm(prefix="station") if access.can_edit else None,
            "journey_form": JourneyForm(prefix="journey") if access.can_edit else None,
            "link_form": LinkForm(prefix="link") if access.can_edit else None,
            "nudge_form": NudgeForm(prefix="nudge") if access.can_edit else None,
            "annotation_form": _annotation_form(access, content),
            "text": _text(ecomap, access, content, request),
            **content,
        },
    )


def entries(request: HttpRequest, map_id: int) -> JsonResponse:
    """The text alternative's entries a workshop change named (``?journey=<key>&station=<key>``,
    ``links=1``), as this viewer may see them, for ``ecomap-live.js`` to patch the page with (see
    ``ecomaps.patch``); with the counts and the annotation form's "Pinned to" list, which every
    change may alter. A requested entry that is gone is simply absent. Outsiders get 404."""
    ecomap, access = _map(request, map_id)
    content = _content(ecomap, request.user, request)
    context = {"ecomap": ecomap, "access": access, "request": request, **content}
    wanted_journeys = set(request.GET.getlist("journey")[:100])
    wanted_stations = set(request.GET.getlist("station")[:100])

    def pieces(rows, wanted, key_of, template):
        found, after = [], ""
        for row in rows:
            key = key_of(row)
            if key in wanted:
                html = render_to_string(template, {**context, "row": row}, request=request)
                found.append({"key": key, "after": after, "html": html})
            after = key
        return found

    form = _annotation_form(access, content)
    return JsonResponse(
        {
            "version": ecomap.version,
            "counts": render_to_string("ecomaps/includes/counts.html", context, request=request),
            "journeys": pieces(
                content["journeys"],
                wanted_journeys,
                lambda row: row["journey"].key,
                "ecomaps/includes/journey_text.html",
            ),
            "stations": pieces(
                content["stations"],
                wanted_stations,
                lambda row: row["station"].key,
                "ecomaps/includes/station_row.html",
            ),
            "links": render_to_string("ecomaps/includes/links.html", context, request=request)
            if request.GET.get("links")
            else None,
            "target": str(form["target"]) if form is not None else None,
        }
    )


def _drawing(ecomap: EcoMap, request: HttpRequest) -> str:
    """The stored drawing with the work under way this viewer may see (no work: the stored SVG)."""
    if not Annotation.work.through.objects.filter(annotation__map=ecomap).exists():
        return ecomap.svg
    return _content(ecomap, request.user, request)["svg"]


def export_svg(request: HttpRequest, map_id: int) -> HttpResponse:
    ecomap, _ = _map(request, map_id)
    response = HttpResponse(_drawing(ecomap, request), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(ecomap.title) or "map"}.svg"'
    return response


def export_png(request: HttpRequest, map_id: int) -> HttpResponse:
    """The stored drawing as PNG, rasterised once per drawn version (cached), never laid out here."""
    ecomap, _ = _map(request, map_id)
    svg = _drawing(ecomap, request)
    # Keyed by the drawing itself: the work badges differ by viewer and change with new data.
    digest = hashlib.sha256(svg.encode()).hexdigest()[:32]
    png = cache.get_or_set(f"ecomaps:png:{ecomap.pk}:{ecomap.drawn_version}:{digest}", lambda: svg_to_png(svg), 86400)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{slugify(ecomap.title) or "map"}.png"'
    return response


def export_json(request: HttpRequest, map_id: int) -> HttpResponse:
    ecomap, _ = _map(request, map_id)
    content = _content(ecomap, request.user, request)

    def note_json(note: Annotation) -> dict:
        return {
            "kind": note.kind,
            "text": note.text,
            "evidence": note.evidence,
            "raised_by": note.raised_by_name,
            "lived_experience": note.lived_experience,
            "endorsements": note.endorsement_count,
            "work_under_way": [
                {
                    "title": work.title,
                    "url": request.build_absolute_uri(work.url),
                    "draft": work.is_draft,
                    "signal": work.signal,
                    "headline": work.headline,
                }
                for work in note.visible_work
            ],
        }

    data = {
        "title": ecomap.title,
        "description": ecomap.description,
        "version": ecomap.version,
        "stations": [
            {
                "id": row["station"].key,
                "name": row["station"].name,
                "type": row["station"].kind,
                "organisation": row["station"].organisation,
                "description": row["station"].description,
                "annotations": [note_json(n) for n in row["notes"]],
            }
            for row in content["stations"]
        ],
        "journeys": [
            {
                "id": row["journey"].key,
                "name": row["journey"].name,
                "description": row["journey"].description,
                "branch_of": row["journey"].branch_of.key if row["journey"].branch_of_id else None,
                "stops": [step["station"].key for step in row["steps"]],
                "step_annotations": [
                    {"step": step["number"], **note_json(n)} for step in row["steps"] for n in step["step_notes"]
                ],
            }
            for row in content["journeys"]
        ],
        "links": [
            {
                "from": row["link"].source.key,
                "to": row["link"].target.key,
                "kind": row["link"].kind,
                "description": row["link"].description,
                "annotations": [note_json(n) for n in row["notes"]],
            }
            for row in content["links"]
        ],
        "layout": ecomap.layout,
    }
    response = JsonResponse(data, json_dumps_params={"indent": 1, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{slugify(ecomap.title) or "map"}.json"'
    return response


def export_csv(request: HttpRequest, map_id: int) -> HttpResponse:
    """The stations and journeys in the import's columns: edit the file and import it again."""
    ecomap, _ = _map(request, map_id)
    content = _content(ecomap, request.user)
    stations = [row["station"] for row in sorted(content["stations"], key=lambda row: row["station"].key)]
    journey_key = {row["journey"].pk: row["journey"].key for row in content["journeys"]}
    journeys = [
        (
            row["journey"],
            [step["station"].key for step in row["steps"]],
            journey_key.get(row["journey"].branch_of_id, ""),
        )
        for row in content["journeys"]
    ]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(ecomap.title) or "map"}.csv"'
    csv.writer(response).writerows(export_rows(stations, journeys))
    return response


def import_csv(request: HttpRequest, map_id: int) -> HttpResponse:
    """Facilitators upload a workshop spreadsheet; every bad row is listed and nothing is saved."""
    ecomap, access = _map(request, map_id)
    if not access.can_edit:
        raise Http404("No such page")
    form = ImportForm(request.POST or None, request.FILES or None)
    csv_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_csv(user=request.user, ecomap=ecomap, raw=upload.read())
        except services.MapError as error:
            csv_errors = [str(error)]
        else:
            if result.ok:
                messages.success(
                    request,
                    f"Imported {len(result.stations)} station{'s' if len(result.stations) != 1 else ''} and "
                    f"{len(result.journeys)} journe{'ys' if len(result.journeys) != 1 else 'y'}.",
                )
                return _back(ecomap)
            csv_errors = result.errors
    return render(
        request,
        "ecomaps/import.html",
        {
            "ecomap": ecomap,
            "form": form,
            "csv_errors": csv_errors,
            "columns": COLUMNS,
            "crumbs": [
                *_owner_crumbs(ecomap, request),
                {"url": reverse("ecomaps:map", args=[ecomap.pk]), "label": ecomap.title},
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


def _back(ecomap: EcoMap, anchor: str = "") -> HttpResponse:
    return redirect(reverse("ecomaps:map", args=[ecomap.pk]) + (f"#{anchor}" if anchor else ""))


def _form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields and form.fields[field].label else field
        for error in errors:
            messages.error(request, f"{label}: {error}" if field != "__all__" else error)


def _run(request: HttpRequest, ecomap: EcoMap, action, success: str) -> None:
    try:
        action()
    except services.MapError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)


@login_required
@require_POST
def station_add(request: HttpRequest, map_id: int) -> HttpResponse:
    ecomap, _ = _map(request, map_id)
    form = StationForm(request.POST, prefix="station")
    if not form.is_valid():
        _form_errors(request, form)
    else:
        _run(
            request,
            ecomap,
            lambda: services.add_station(user=request.user, ecomap=ecomap, **form.cleaned_data),
            "Station added.",
        )
    return _back(ecomap, "edit-stations")


@login_required
@require_POST
def station_remove(request: HttpRequest, map_id: int, key: str) -> HttpResponse:
    ecomap, _ = _map(request, map_id)
    station = Station.objects.filter(map=ecomap, key=key).first()
    if station is None:
        raise Http404("No such station")
    reroute = request.POST.get("reroute") == "yes"
    _run(
        request,
        ecomap,
        lambda: services.remove_station(user=request.user, station=station, reroute=reroute),
        "Station removed.",
    )
    return _back(ecomap, "stations")


@login_required
@require_POST
def journey_set(request: HttpRequest, map_id: int) -> HttpResponse:
    ecomap, _ = _map(request, map_id)
    form = JourneyForm(request.POST, prefix="journey")
    if not form.is_valid():
        _form_errors(request, form)
    else:
        data = form.cleaned_data
        _run(
            request,
            ecomap,
            lambda: services.set_journey(
                user=request.user,
                ecomap=ecomap,
                key=data["key"],
                name=data["name"],
                station_keys=data["stops"],
                description=data["description"],
                branch_of=data["branch_of"],
                expected_version=data["version"],
            ),
            "Journey saved.",
        )
    return _back(ecomap, "edit-journeys")


@login_required
@require_POST
def link_add(request: HttpRequest, map_id: int) -> HttpResponse:
    ecomap, _ = _map(request, map_id)
    form = LinkForm(request.POST, prefix="link")
    if not form.is_valid():
        _form_errors(request, form)
    else:
        _run(
            request,
            ecomap,
            lambda: services.add_link(user=request.user, ecomap=ecomap, **form.cleaned_data),
            "Link added.",
        )
    return _back(ecomap, "edit-links")


@login_required
@require_POST
def annotation_add(request: HttpRequest, map_id: int) -> HttpResponse:
    ecomap, _ = _map(request, map_id)
    target = request.POST.get("note-target", "")
    form = AnnotationForm(request.POST, prefix="note", targets=[(target, target)])
    if not form.is_valid():
        _form_errors(request, form)
    else:
        data = form.cleaned_data
        _run(
            request,
            ecomap,
            lambda: services.add_annotation(
                user=request.user,
                ecomap=ecomap,
                kind=data["kind"],
                text=data["text"],
                evidence=data["evidence"],
                raised_by_name=data["raised_by_name"],
                lived_experience=data["lived_experience"],
                **form.target_kwargs(),
            ),
            "Annotation added.",
        )
    return _back(ecomap, "add-annotation")


@login_required
@require_POST
def annotation_endorse(request: HttpRequest, map_id: int, annotation_id: int) -> HttpResponse:
    ecomap, _ = _map(request, map_id)
    note = (
        Annotation.objects.filter(map=ecomap, pk=annotation_id)
        .select_related("map__community", "map__priority")
        .first()
    )
    if note is None:
        raise Http404("No such annotation")
    endorsed = request.POST.get("endorse") != "no"
    _run(
        request,
        ecomap,
        lambda: services.endorse(user=request.user, annotation=note, endorsed=endorsed),
        "Endorsed." if endorsed else "Endorsement taken back.",
    )
    return _back(ecomap, f"annotation-{note.pk}")


@login_required
@require_POST
def annotation_start_write_up(request: HttpRequest, map_id: int, annotation_id: int) -> HttpResponse:
    """Start a draft write-up from an opportunity and go on to write it."""
    ecomap, _ = _map(request, map_id)
    note = Annotation.objects.filter(map=ecomap, pk=annotation_id).first()
    if note is None:
        raise Http404("No such annotation")
    try:
        project = services.start_write_up(user=request.user, annotation=note)
    except services.MapError as error:
        messages.error(request, str(error))
        return _back(ecomap, f"annotation-{note.pk}")
    messages.success(
        request, f"Your draft write-up “{project.title}” is started, linked to the opportunity on “{ecomap.title}”."
    )
    return redirect("projects:edit", project.pk, "problem")


def work(request: HttpRequest, map_id: int) -> HttpResponse:
    """Work under way: the pain points and opportunities, the write-ups (that this person may see)
    addressing each, and for a write-up's co-authors a form naming what it addresses."""
    ecomap, access = _map(request, map_id)
    content = _content(ecomap, request.user, request)
    notes = [
        note
        for row in content["stations"] + content["links"]
        for note in row["notes"]
        if note.kind in services.ADDRESSABLE
    ] + [
        note
        for row in content["journeys"]
        for step in row["steps"]
        for note in step["step_notes"]
        if note.kind in services.ADDRESSABLE
    ]
    notes.sort(key=lambda note: note.pk)
    mine = []
    if access.can_contribute:
        mine = list(ProjectPage.objects.filter(team__user=request.user, team__is_coauthor=True).order_by("title", "pk"))
    chosen = None
    picked = request.POST.get("project") or request.GET.get("project")
    if picked and str(picked).isdigit():
        chosen = next((p for p in mine if p.pk == int(picked)), None)
        if chosen is None:
            raise Http404("No such write-up of yours")
    error = ""
    if request.method == "POST":
        if chosen is None:
            error = "Choose one of your write-ups."
        else:
            ids = [int(v) for v in request.POST.getlist("addresses") if v.isdigit()]
            try:
                services.name_addressed(user=request.user, project=chosen, ecomap=ecomap, annotation_ids=ids)
            except services.MapError as failure:
                error = str(failure)
            else:
                messages.success(request, f"Saved what “{chosen.title}” addresses on this map.")
                return redirect(reverse("ecomaps:work", args=[ecomap.pk]) + f"?project={chosen.pk}")
    addressed = set()
    if chosen is not None:
        addressed = set(
            Annotation.work.through.objects.filter(annotation__map=ecomap, projectpage=chosen).values_list(
                "annotation_id", flat=True
            )
        )
    return render(
        request,
        "ecomaps/work.html",
        {
            "ecomap": ecomap,
            "access": access,
            "notes": notes,
            "mine": mine,
            "chosen": chosen,
            "addressed": addressed,
            "error": error,
            "crumbs": _map_crumbs(ecomap, request),
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def workshop(request: HttpRequest, map_id: int) -> HttpResponse:
    """A facilitator starts or ends workshop mode."""
    ecomap, _ = _map(request, map_id)
    running = request.POST.get("running") == "yes"
    _run(
        request,
        ecomap,
        lambda: services.set_workshop(user=request.user, ecomap=ecomap, running=running),
        "Workshop started: members can now change the map, and everyone sees changes as they are saved."
        if running
        else "Workshop ended: only facilitators change stations, journeys and links again.",
    )
    return _back(ecomap)


@login_required
@require_POST
def nudge(request: HttpRequest, map_id: int) -> HttpResponse:
    ecomap, _ = _map(request, map_id)
    form = NudgeForm(request.POST, prefix="nudge")
    if not form.is_valid():
        _form_errors(request, form)
    else:
        station = Station.objects.filter(map=ecomap, key=form.cleaned_data["station"]).first()
        if station is None:
            messages.error(request, f"No station with the id “{form.cleaned_data['station']}” on this map.")
        else:
            _run(
                request,
                ecomap,
                lambda: services.nudge_station(
                    user=request.user, station=station, col=form.cleaned_data["col"], row=form.cleaned_data["row"]
                ),
                "Station moved.",
            )
    return _back(ecomap, "edit-layout")


def _map_crumbs(ecomap: EcoMap, request: HttpRequest) -> list[dict]:
    return [*_owner_crumbs(ecomap, request), {"url": reverse("ecomaps:map", args=[ecomap.pk]), "label": ecomap.title}]


@login_required
def station_edit(request: HttpRequest, map_id: int, key: str) -> HttpResponse:
    """Change a station. The form carries the station's version: if someone saved it in the
    meantime, nothing is saved and the form shows what is stored now."""
    ecomap, access = _map(request, map_id)
    station = Station.objects.filter(map=ecomap, key=key).first()
    if station is None or not access.can_edit:
        raise Http404("No such station")
    form = StationEditForm(request.POST or None, initial=_station_values(station))
    status, attempt = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_station(
                    user=request.user,
                    station=station,
                    expected_version=data["version"],
                    name=data["name"],
                    kind=data["kind"],
                    organisation=data["organisation"],
                    description=data["description"],
                )
            except services.StaleEdit as error:
                station.refresh_from_db()
                attempt = _attempt(form)
                form = _bound(StationEditForm, _station_values(station))
                form.add_error(None, str(error))
                status = 409
            except services.MapError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Station saved.")
                return _back(ecomap, f"station-{station.key}")
    return render(
        request,
        "ecomaps/edit.html",
        {
            "ecomap": ecomap,
            "form": form,
            "heading": f"Change the station “{station.name}”",
            "button": "Save the station",
            "attempt": attempt,
            "crumbs": _map_crumbs(ecomap, request),
        },
        status=status,
    )


def _bound(form_class, values: dict, prefix: str | None = None):
    """A form filled with what is stored now, validated, so a refusal can be added to it."""
    form = form_class(
        {(f"{prefix}-{name}" if prefix else name): value for name, value in values.items()}, prefix=prefix
    )
    form.is_valid()
    return form


def _attempt(form) -> list[tuple[str, str]]:
    """What the person tried to save, to show beside the stored values after a refused write."""
    shown = []
    for name, value in form.cleaned_data.items():
        if name == "version":
            continue
        choices = dict(getattr(form.fields[name], "choices", []))
        text = " → ".join(value) if isinstance(value, list) else str(choices.get(value, value))
        shown.append((form.fields[name].label or name.replace("_", " ").capitalize(), text or "(none)"))
    return shown


def _station_values(station: Station) -> dict:
    return {
        "name": station.name,
        "kind": station.kind,
        "organisation": station.organisation,
        "description": station.description,
        "version": station.version,
    }


def _journey_values(journey: Journey) -> dict:
    return {
        "name": journey.name,
        "stops": "\n".join(journey.stops.order_by("position").values_list("station__key", flat=True)),
        "branch_of": journey.branch_of.key if journey.branch_of_id else "",
        "description": journey.description,
        "version": journey.version,
    }


@login_required
def journey_edit(request: HttpRequest, map_id: int, key: str) -> HttpResponse:
    """Change a journey's name and stops, with the same stale-write check as a station."""
    ecomap, access = _map(request, map_id)
    journey = Journey.objects.filter(map=ecomap, key=key).select_related("branch_of").first()
    if journey is None or not access.can_edit:
        raise Http404("No such journey")
    form = JourneyEditForm(request.POST or None, prefix="journey", initial=_journey_values(journey))
    status, attempt = 200, None
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_journey(
                    user=request.user,
                    ecomap=ecomap,
                    key=journey.key,
                    name=data["name"],
                    station_keys=data["stops"],
                    description=data["description"],
                    branch_of=data["branch_of"],
                    expected_version=data["version"] or journey.version,
                )
            except services.StaleEdit as error:
                journey.refresh_from_db()
                attempt = _attempt(form)
                form = _bound(JourneyEditForm, _journey_values(journey), prefix="journey")
                form.add_error(None, str(error))
                status = 409
            except services.MapError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Journey saved.")
                return _back(ecomap, f"journey-{journey.key}")
    return render(
        request,
        "ecomaps/edit.html",
        {
            "ecomap": ecomap,
            "form": form,
            "heading": f"Change the journey “{journey.name}”",
            "button": "Save the journey",
            "attempt": attempt,
            "crumbs": _map_crumbs(ecomap, request),
        },
        status=status,
    )


def revisions(request: HttpRequest, map_id: int) -> HttpResponse:
    """Every change to the map, newest first, with who made it and when."""
    ecomap, _ = _map(request, map_id)
    page = Paginator(
        Revision.objects.filter(map=ecomap).select_related("author__profile").defer("snapshot"),
        50,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "ecomaps/revisions.html",
        {
            "ecomap": ecomap,
            "page": page,
            "first_number": Revision.objects.filter(map=ecomap)
            .order_by("number")
            .values_list("number", flat=True)
            .first(),
            "form": CompareForm(initial={"older": max(ecomap.version - 1, 1), "newer": ecomap.version}),
            "crumbs": _map_crumbs(ecomap, request),
        },
    )


def compare_revisions(request: HttpRequest, map_id: int) -> HttpResponse:
    """What changed between any two revisions: stations, journeys, links and annotations added,
    removed or changed, field by field."""
    ecomap, _ = _map(request, map_id)
    form = CompareForm(request.GET or None)
    sections, older, newer = [], None, None
    if form.is_valid():
        numbers = sorted([form.cleaned_data["older"], form.cleaned_data["newer"]])
        found = {
            r.number: r
            for r in Revision.objects.filter(map=ecomap, number__in=numbers).select_related("author__profile")
        }
        missing = [n for n in numbers if n not in found]
        if missing:
            first = Revision.objects.filter(map=ecomap).order_by("number").values_list("number", flat=True).first()
            form.add_error(
                None,
                f"This map has no revision {', '.join(str(n) for n in dict.fromkeys(missing))}; "
                f"its revisions run from {first or 1} to {ecomap.version}.",
            )
        else:
            older, newer = found[numbers[0]], found[numbers[1]]
            sections = compare(older.snapshot, newer.snapshot)
    return render(
        request,
        "ecomaps/compare.html",
        {
            "ecomap": ecomap,
            "form": form,
            "older": older,
            "newer": newer,
            "sections": sections,
            "unchanged": all(section.empty for section in sections),
            "crumbs": [
                *_map_crumbs(ecomap, request),
                {"url": reverse("ecomaps:revisions", args=[ecomap.pk]), "label": "Changes"},
            ],
        },
        status=400 if form.errors else 200,
    )


def _review_target_prefix(key: str) -> str:
    return f"review-{key or 'map'}"


def review(request: HttpRequest, map_id: int) -> HttpResponse:
    """The validation round: facilitators open and close it; people with lived experience say
    whether they recognise the whole map and each journey, with comments; everyone who may see
    the map sees the answers and when the map was last validated."""
    ecomap, access = _map(request, map_id)
    user = request.user
    may_respond = access.can_contribute and ecomap.review_open and services.is_lived_experience(user)
    failed: dict[str, ReviewResponseForm] = {}
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        action = request.POST.get("action")
        if action in ("open", "close"):
            verb = services.open_review if action == "open" else services.close_review
            try:
                done = verb(user=user, ecomap=ecomap)
            except services.MapError as error:
                messages.error(request, str(error))
            else:
                if action == "open":
                    messages.success(request, "The validation round is open.")
                elif done.endorsed_by_count:
                    messages.success(
                        request, f"The round is closed: the map is validated by {done.endorsed_by_count} people."
                    )
                else:
                    messages.success(request, "The round is closed. Nobody endorsed the whole map in it.")
            return redirect("ecomaps:review", ecomap.pk)
        key = request.POST.get("target", "")
        form = ReviewResponseForm(request.POST, prefix=_review_target_prefix(key))
        if form.is_valid():
            try:
                services.respond_to_review(user=user, ecomap=ecomap, journey=key, **form.cleaned_data)
            except services.MapError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Thank you: your answer is saved.")
                return redirect(reverse("ecomaps:review", args=[ecomap.pk]) + f"#{_review_target_prefix(key)}")
        failed[key] = form
    current = Review.objects.filter(map=ecomap).select_related("opened_by__profile", "closed_by__profile").first()
    responses = (
        list(ReviewResponse.objects.filter(review=current).select_related("user__profile", "journey"))
        if current
        else []
    )
    journeys = list(Journey.objects.filter(map=ecomap).order_by("order", "key"))
    targets = [("", "The whole map"), *[(j.key, j.name) for j in journeys]]
    rows = []
    for key, label in targets:
        answers = [r for r in responses if (r.journey.key if r.journey_id else "") == key]
        mine = next((r for r in answers if r.user_id == user.pk), None)
        form = failed.get(key)
        if form is None and may_respond:
            initial = {"recognised": mine.recognised, "comment": mine.comment} if mine else None
            form = ReviewResponseForm(prefix=_review_target_prefix(key), initial=initial)
        rows.append(
            {
                "key": key,
                "anchor": _review_target_prefix(key),
                "label": label,
                "recognised": sum(1 for r in answers if r.recognised),
                "comments": [r for r in answers if r.comment],
                "form": form if may_respond else None,
            }
        )
    return render(
        request,
        "ecomaps/review.html",
        {
            "ecomap": ecomap,
            "access": access,
            "review": current,
            "rows": rows,
            "may_respond": may_respond,
            "crumbs": _map_crumbs(ecomap, request),
        },
        status=400 if failed else 200,
    )


def suggestions(request: HttpRequest, map_id: int) -> HttpResponse:
    """Members suggest stations and journeys; facilitators accept (added through the usual
    services, with their checks) or decline them."""
    ecomap, access = _map(request, map_id)
    user = request.user
    station_form = StationForm(prefix="suggest-station") if access.can_contribute else None
    journey_form = JourneyForm(prefix="suggest-journey") if access.can_contribute else None
    status = 200
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.can_contribute:
            raise Http404("No such page")
        decision = request.POST.get("decision")
        if decision in ("accept", "decline"):
            found = Suggestion.objects.filter(map=ecomap, pk=request.POST.get("suggestion") or 0).first()
            if found is None:
                raise Http404("No such suggestion")
            accept = decision == "accept"
            try:
                services.decide_suggestion(user=user, suggestion=found, accept=accept)
            except services.MapError as error:
                messages.error(request, f"Not accepted: {error}")
            else:
                messages.success(request, "Suggestion accepted and added to the map." if accept else "Declined.")
            return redirect("ecomaps:suggestions", ecomap.pk)
        kind = request.POST.get("kind")
        form = (
            StationForm(request.POST, prefix="suggest-station")
            if kind == "station"
            else JourneyForm(request.POST, prefix="suggest-journey")
        )
        if form.is_valid():
            data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
            try:
                services.suggest(user=user, ecomap=ecomap, kind=kind or "journey", data=data)
            except services.MapError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Thank you: a facilitator will look at your suggestion.")
                return redirect("ecomaps:suggestions", ecomap.pk)
        status = 400
        if kind == "station":
            station_form = form
        else:
            journey_form = form
    listed = list(
        Suggestion.objects.filter(map=ecomap).select_related("suggested_by__profile", "decided_by__profile")[:100]
    )
    return render(
        request,
        "ecomaps/suggestions.html",
        {
            "ecomap": ecomap,
            "access": access,
            "pending": [s for s in listed if s.state == Suggestion.State.PENDING],
            "decided": [s for s in listed if s.state != Suggestion.State.PENDING][:30],
            "station_form": station_form,
            "journey_form": journey_form,
            "crumbs": _map_crumbs(ecomap, request),
        },
        status=status,
    )
