"""The metaclass and _meta: strict declarations, inheritance, per-class exceptions."""

from __future__ import annotations

import pytest

import twiorm
from twiorm import Resource, fields

from ..conftest import FakeTwilio
from .widgets import ACCOUNT, Widget, widget_page, widget_record


def test_unknown_meta_option_raises_at_class_definition() -> None:
    with pytest.raises(twiorm.DeclarationError, match="unknown option.*colour"):

        class Bad(Resource):
            class Meta:
                path = "/v1/Things/{sid}"
                colour = "red"

            sid = fields.Sid("TH")


def test_path_must_end_with_the_identity() -> None:
    with pytest.raises(twiorm.DeclarationError, match="must end with"):

        class Bad(Resource):
            class Meta:
                path = "/v1/Things"

            sid = fields.Sid("TH")


@pytest.mark.parametrize(
    "path",
    [
        "v1/Things/{sid}",  # glued to the host: https://api.twilio.comv1/…
        ".evil.com/v1/Things/{sid}",  # https://api.twilio.com.evil.com/…
        "@evil.com/v1/Things/{sid}",  # https://api.twilio.com@evil.com/… (user info)
        "/v1/../Accounts/{sid}",
        "/v1//Things/{sid}",
        "/v1/Th ings/{sid}",
        "/v1/Things?x=1/{sid}",
        "/v1/Things#/{sid}",
    ],
)
def test_a_path_that_could_leave_the_host_is_refused(path: str) -> None:
    with pytest.raises(twiorm.DeclarationError, match="'path' must start with '/'"):

        class Bad(Resource):
            class Meta:
                pass

            Meta.path = path  # type: ignore[attr-defined]
            sid = fields.Sid("TH")


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("domain", "api.evil.com", "'domain' must be a Twilio domain"),
        ("verbs", "list", "'verbs' is a tuple of verbs"),
        ("one_of", {"create": ("name", "url")}, "is a tuple of groups"),
    ],
)
def test_malformed_options_are_refused_with_the_right_shape(
    option: str, value: object, problem: str
) -> None:
    with pytest.raises(twiorm.DeclarationError, match=problem):

        class Bad(Resource):
            class Meta:
                path = "/v1/Things/{sid}"
                verbs = ("list", "create")

            setattr(Meta, option, value)
            sid = fields.Sid("TH")
            name = fields.Str(create=True)
            url = fields.Uri(create=True)


def test_identity_must_be_a_field() -> None:
    with pytest.raises(twiorm.DeclarationError, match="identity 'sid'"):

        class Bad(Resource):
            class Meta:
                path = "/v1/Things/{sid}"


def test_unknown_verbs_raise() -> None:
    with pytest.raises(twiorm.DeclarationError, match="unknown verbs"):

        class Bad(Resource):
            class Meta:
                path = "/v1/Things/{sid}"
                verbs = ("list", "destroy")

            sid = fields.Sid("TH")


def test_fields_may_not_shadow_resource_methods() -> None:
    with pytest.raises(twiorm.DeclarationError, match="save"):

        class Bad(Resource):
            class Meta:
                path = "/v1/Things/{sid}"

            sid = fields.Sid("TH")
            save = fields.Str()


def test_meta_derives_urls_keys_and_filters() -> None:
    meta = Widget._meta
    assert meta.list_path == "/2010-04-01/Accounts/{account_sid}/Widgets.json"
    assert meta.path_params == ("account_sid",)
    assert meta.list_key == "widgets"
    assert "date_created__gte" in meta.filters
    assert "size" not in meta.filters
    assert meta.required("create") == ("name",)


def test_list_key_defaults_to_the_snake_case_collection() -> None:
    class IncomingThing(Resource):
        class Meta:
            path = "/2010-04-01/Accounts/{account_sid}/IncomingThings/{sid}.json"
            verbs = ("list",)

        sid = fields.Sid("IT")

    assert IncomingThing._meta.list_key == "incoming_things"


def test_each_class_has_its_own_does_not_exist() -> None:
    class Thing(Resource):
        class Meta:
            path = "/v1/Things/{sid}"

        sid = fields.Sid("TH")

    assert Thing.DoesNotExist is not Widget.DoesNotExist
    assert issubclass(Thing.DoesNotExist, twiorm.ObjectDoesNotExist)
    assert not issubclass(Thing.DoesNotExist, Widget.DoesNotExist)
    assert Thing.DoesNotExist.__qualname__.endswith("Thing.DoesNotExist")


def test_field_names_map_to_json_keys_and_parameters() -> None:
    class Thing(Resource):
        class Meta:
            path = "/v1/Things/{sid}"

        sid = fields.Sid("TH")
        from_ = fields.Str(create=True)
        status_callback_event = fields.List(fields.Str(), create=True)
        odd = fields.Str(create=True, param="ODD.Name", key="odd_key")

    f = Thing._meta.fields
    assert (f["from_"].key, f["from_"].param) == ("from", "From")
    assert f["status_callback_event"].param == "StatusCallbackEvent"
    assert (f["odd"].key, f["odd"].param) == ("odd_key", "ODD.Name")


def test_subclass_keeps_meta_adds_fields_and_returns_its_own_instances(
    client: twiorm.Client, fake: FakeTwilio
) -> None:
    class FancyWidget(Widget):
        shine = fields.Str()

        @property
        def label(self) -> str:
            return f"{self.name} ({self.color})"

    assert FancyWidget._meta.list_path == Widget._meta.list_path
    assert "shine" in FancyWidget._meta.fields
    assert "shine" not in Widget._meta.fields
    fake.reply(
        "GET",
        f"/2010-04-01/Accounts/{ACCOUNT}/Widgets.json",
        widget_page([widget_record(1, shine="lots")]),
    )
    found = FancyWidget.objects.using(client).first()
    assert isinstance(found, FancyWidget)
    assert found.label == "widget 1 (red)"
    assert found.shine == "lots"
    # Inherited fields belong to the subclass, so errors name it.
    with pytest.raises(twiorm.ValidationError, match="FancyWidget.color"):
        found.color = "purple"
    assert issubclass(FancyWidget.DoesNotExist, Widget.DoesNotExist)


def test_abstract_bases_share_fields_but_have_no_url() -> None:
    class Base(Resource):
        class Meta:
            abstract = True

        sid = fields.Sid("TH")
        friendly_name = fields.Str(update=True)

    class Concrete(Base):
        class Meta:
            path = "/v1/Concretes/{sid}"
            verbs = ("fetch", "update")

    assert set(Concrete._meta.fields) == {"sid", "friendly_name"}
    with pytest.raises(twiorm.DeclarationError, match="abstract"):
        Base()


def _declare(body: dict[str, object], meta: dict[str, object] | None = None) -> type[Resource]:
    options = {"path": "/v1/Things/{sid}", "verbs": ("list", "create"), **(meta or {})}
    namespace = {"Meta": type("Meta", (), options), "sid": fields.Sid("TH"), **body}
    return type("Thing", (Resource,), namespace)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: fields.Enum("active"), "Enum choices are a tuple"),
        (lambda: fields.List(fields.Str), "List takes a field instance"),  # type: ignore[arg-type]
        (lambda: fields.Sid("A."), "two capital letters"),
        (lambda: fields.Date(filter=True, filter_format="day"), "filter_format"),  # type: ignore[arg-type]
    ],
)
def test_field_mistakes_are_declaration_errors(make: object, problem: str) -> None:
    with pytest.raises(twiorm.DeclarationError, match=problem):
        make()  # type: ignore[operator]


def test_one_field_object_cannot_serve_two_attributes() -> None:
    shared = fields.Str(create=True)
    with pytest.raises(twiorm.DeclarationError, match="same field object"):
        _declare({"a": shared, "b": shared})


@pytest.mark.parametrize(
    ("body", "meta", "problem"),
    [
        (
            {"a": fields.Str(create=True, param="X"), "b": fields.Str(create=True, param="X")},
            {},
            "share the param 'X'",
        ),
        ({"a": fields.Str(key="x"), "b": fields.Str(key="x")}, {}, "share the key 'x'"),
        ({}, {"mount": "not valid!"}, "'mount' is a snake_case name"),
        ({}, {"free_text_identity": "yes"}, "'free_text_identity' is True or False"),
        ({}, {"max_page_size": True}, "'max_page_size' must be a positive integer"),
    ],
)
def test_meta_mistakes_are_declaration_errors(
    body: dict[str, object], meta: dict[str, object], problem: str
) -> None:
    with pytest.raises(twiorm.DeclarationError, match=problem):
        _declare(body, meta)


def test_meta_must_be_a_class() -> None:
    with pytest.raises(twiorm.DeclarationError, match="Meta is a class"):
        type("Thing", (Resource,), {"Meta": {"path": "/v1/Things/{sid}"}, "sid": fields.Sid("TH")})
