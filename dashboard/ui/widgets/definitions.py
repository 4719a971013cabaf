"""The Data page's definitions panel: product baskets, partner groups and HS names.

Everyone sees the stored baskets and groups; editors add, edit, delete, import
and export them (CSV) and load a classifier of HS names. Every write goes through
``dashboard.ui.queries`` (validated, one transaction); bad input is shown as one
line and nothing is stored. Texts from files and users are shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard.core.errors import OborotError
from dashboard.core.i18n import t
from dashboard.reference.baskets import Basket, baskets_to_csv, parse_baskets_csv
from dashboard.reference.definitions import split_list
from dashboard.reference.groups import PartnerGroup, groups_to_csv, parse_groups_csv, parse_member
from dashboard.reference.names import decode_text, parse_classifier_csv, parse_tnved_listing
from dashboard.ui import actions, queries

_FLASH = "data.flash"
_NEW = ""


def show(lang: str, *, editable: bool) -> None:
    """Draw the baskets, groups and names sections."""
    version = queries.version()
    baskets = queries.baskets(version)
    groups = queries.groups(version)
    st.subheader(t("data.baskets", lang))
    st.dataframe(pd.DataFrame(
        [(b.id, b.name_ru, b.name_en, " ".join(b.codes), b.source) for b in baskets],
        columns=["id", "name_ru", "name_en", "codes", "source"]),
        hide_index=True, key="data.baskets_table")
    st.download_button(t("data.export_csv", lang), baskets_to_csv(baskets).encode("utf-8"),
                       file_name="baskets.csv", mime="text/csv", key="data.baskets_export")
    if editable:
        _basket_editor(baskets, lang)
    st.subheader(t("data.groups", lang))
    st.dataframe(pd.DataFrame(
        [(g.id, g.name_ru, g.name_en, " ".join(m.text() for m in g.members), g.source)
         for g in groups], columns=["id", "name_ru", "name_en", "partners", "source"]),
        hide_index=True, key="data.groups_table")
    st.download_button(t("data.export_csv", lang), groups_to_csv(groups).encode("utf-8"),
                       file_name="partner_groups.csv", mime="text/csv",
                       key="data.groups_export")
    if editable:
        _group_editor(groups, lang)
        st.subheader(t("data.names", lang))
        _names_import(lang)


def _done(text: str) -> None:
    """Say ``text`` after the rerun that redraws the sidebar with the change."""
    st.session_state.setdefault(_FLASH, []).append(("success", text))
    st.rerun()


def _pick(kind: str, ids: list[str], lang: str) -> str:
    return st.selectbox(t("data.edit_pick", lang), [_NEW, *ids], key=f"data.{kind}_pick",
                        format_func=lambda i: t("data.new_set", lang) if i == _NEW else i)


def _id_and_names(kind: str, chosen: Basket | PartnerGroup | None,
                  lang: str) -> tuple[str, str, str]:
    """The id, Russian and English name inputs of a basket or group form, filled from ``chosen``."""
    key = st.text_input(t("data.set_id", lang), chosen.id if chosen else "",
                        key=f"data.{kind}_id")
    name_ru = st.text_input(t("data.name_ru", lang), chosen.name_ru if chosen else "",
                            key=f"data.{kind}_name_ru")
    name_en = st.text_input(t("data.name_en", lang), chosen.name_en if chosen else "",
                            key=f"data.{kind}_name_en")
    return key, name_ru, name_en


def _basket_editor(baskets: list[Basket], lang: str) -> None:
    by_id = {b.id: b for b in baskets}
    chosen = by_id.get(_pick("basket", list(by_id), lang))
    with st.form("data.basket_form"):
        key, name_ru, name_en = _id_and_names("basket", chosen, lang)
        codes = st.text_input(t("data.codes", lang), ", ".join(chosen.codes) if chosen else "",
                              key="data.basket_codes")
        saved = st.form_submit_button(t("data.save", lang))
    if saved:
        item = Basket(key, name_ru, name_en, tuple(split_list(codes)),
                      chosen.source if chosen and chosen.id == key.strip().lower() else "")
        try:
            replaced = actions.save_basket(item)
        except OborotError as exc:
            st.error(str(exc))
        else:
            _done(t("data.replaced" if replaced else "data.saved", lang, id=key.strip().lower()))
    _delete_or_import(
        "basket", chosen.id if chosen else None, lang, delete=actions.delete_basket,
        load=lambda text, name: actions.import_baskets(
            parse_baskets_csv(text, name, registry=queries.names(queries.version()))))


def _group_editor(groups: list[PartnerGroup], lang: str) -> None:
    by_id = {g.id: g for g in groups}
    chosen = by_id.get(_pick("group", list(by_id), lang))
    with st.form("data.group_form"):
        key, name_ru, name_en = _id_and_names("group", chosen, lang)
        partners = st.text_input(t("data.partners_list", lang),
                                 ", ".join(m.text() for m in chosen.members) if chosen else "",
                                 key="data.group_partners")
        saved = st.form_submit_button(t("data.save", lang))
    if saved:
        try:
            members = tuple(parse_member(text) for text in split_list(partners))
            item = PartnerGroup(key, name_ru, name_en, members,
                                chosen.source if chosen and chosen.id == key.strip().lower()
                                else "")
            replaced = actions.save_group(item)
        except OborotError as exc:
            st.error(str(exc))
        else:
            _done(t("data.replaced" if replaced else "data.saved", lang, id=key.strip().lower()))
    _delete_or_import(
        "group", chosen.id if chosen else None, lang, delete=actions.delete_group,
        load=lambda text, name: actions.import_groups(parse_groups_csv(text, name)))


def _delete_or_import(kind: str, chosen_id: str | None, lang: str, *,
                      delete: Callable[[str], None],
                      load: Callable[[str, str], tuple[int, int]]) -> None:
    """The delete button of the chosen set and the CSV import of a kind ("basket", "group");
    ``load`` parses the file's text and stores its sets, giving (added, replaced)."""
    if chosen_id and st.button(t("data.delete_set", lang), key=f"data.{kind}_delete"):
        delete(chosen_id)
        _done(t("data.deleted_set", lang, id=chosen_id))
    upload = st.file_uploader(t("data.import_csv", lang), type=["csv"], key=f"data.{kind}_csv")
    if upload is not None and st.button(t("data.import_csv", lang), key=f"data.{kind}_import"):
        try:
            added, replaced = load(decode_text(upload.getvalue(), upload.name), upload.name)
        except OborotError as exc:
            st.error(str(exc))
        else:
            _done(t("data.imported", lang, added=added, replaced=replaced))


def _names_import(lang: str) -> None:
    upload = st.file_uploader(t("data.names_import", lang), type=["csv", "txt"],
                              key="data.names_file")
    if upload is None or not st.button(t("data.save", lang), key="data.names_save"):
        return
    try:
        data = upload.getvalue()
        # The FCS classifier files are DOS code page 866 (or UTF-8); a CSV must be UTF-8.
        text = decode_text(data, upload.name, fallback="cp866")
        first = next((line for line in text.splitlines() if line.strip()), "")
        entries = (parse_tnved_listing(text, upload.name) if "|" in first
                   else parse_classifier_csv(decode_text(data, upload.name), upload.name))
        written = actions.import_names(entries, upload.name)
    except OborotError as exc:
        st.error(str(exc))
    else:
        _done(t("data.names_loaded", lang, n=written))
