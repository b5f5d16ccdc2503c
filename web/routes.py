"""Every route of the site, in one table: pages first, then the JSON API of each area.

`setup_routes(app)` is the only place a URL meets its handler. The order is
the order aiohttp tries dynamic routes in; the OpenAPI document
(`/api/v1/openapi.json`) is built from this table by walking the router.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from inquiry.access.rules import CodeKind
from web.access import api as access_api
from web.access import staff_api as access_staff_api
from web.access import staff_views as access_staff_views
from web.access import views as access_views
from web.decisions import views as decision_views
from web.http import health
from web.http.api import API_PREFIX, openapi_handler
from web.inquiries import api as inquiry_api
from web.inquiries import views as inquiry_views
from web.proposals import api as proposal_api
from web.proposals import views as proposal_views
from web.ranking import views as ranking_views
from web.realtime.events import DISPATCH
from web.room import api as room_api
from web.room import views as room_views
from web.rounds import api as round_api
from web.rounds import views as round_views
from web.shortlist import views as shortlist_views
from web.staff import api as staff_api
from web.staff import views as staff_views

API = API_PREFIX
INQUIRY = r"/inquiries/{inquiry_id:\d+}"
STAFF_ID = r"{id:\d{1,18}}"
ROUND = r"{round_id:\d+}"


def setup_routes(app: web.Application) -> None:
    r = app.router
    r.add_static("/static", Path(__file__).parent / "static", name="static")
    r.add_get(f"{API}/openapi.json", openapi_handler)

    # Home and health
    r.add_get("/healthz", health.healthz)
    r.add_get("/", health.home)

    # Staff: signing in, the dashboard, invitations and password links
    r.add_get("/login", staff_views.login_page)
    r.add_post("/login", staff_views.login)
    r.add_post("/logout", staff_views.logout)
    r.add_get("/forgot", staff_views.forgot)
    r.add_get("/staff", staff_views.dashboard)
    r.add_post("/staff/invite", staff_views.invite)
    r.add_post(f"/staff/{STAFF_ID}/reset-link", staff_views.reset_link)
    r.add_post(f"/staff/{STAFF_ID}/disable", staff_views.disable)
    r.add_post(f"/staff/{STAFF_ID}/enable", staff_views.enable)
    for prefix in ("invite", "reset"):
        r.add_get(f"/{prefix}/{{secret}}", staff_views.link_page)
        r.add_post(f"/{prefix}/{{secret}}", staff_views.use_link)
    r.add_post(f"{API}/login", staff_api.login)
    r.add_post(f"{API}/logout", staff_api.logout)
    r.add_get(f"{API}/me", staff_api.me)
    r.add_get(f"{API}/staff", staff_api.list_staff)
    r.add_post(f"{API}/staff", staff_api.invite)
    r.add_get(f"{API}/staff/audit", staff_api.audit)
    r.add_post(f"{API}/staff/{STAFF_ID}/reset-link", staff_api.reset_link)
    r.add_post(f"{API}/staff/{STAFF_ID}/disable", staff_api.disable)
    r.add_post(f"{API}/staff/{STAFF_ID}/enable", staff_api.enable)

    # Getting in: join, recover, expert and observer links
    r.add_get("/join", access_views.join_form)
    r.add_post("/join", access_views.join_submit)
    r.add_get("/join/{code}", access_views.name_form)
    r.add_post("/join/{code}", access_views.name_submit)
    r.add_get("/welcome", access_views.welcome)
    r.add_get("/recover", access_views.recover_form)
    r.add_post("/recover", access_views.recover_submit)
    r.add_get("/recover/{code}", access_views.recover_form)
    for link in ("expert", "observe"):
        r.add_get(f"/{link}/{{secret}}", access_views.link_confirm)
        r.add_post(f"/{link}/{{secret}}", access_views.link_use)
    r.add_get(r"/i/{inquiry_id:\d+}", access_views.inquiry_home)
    # ... and managing the ways in (staff)
    r.add_get(f"{INQUIRY}/access", access_staff_views.access_page)
    r.add_post(f"{INQUIRY}/access/codes", access_staff_views.generate)
    r.add_post(f"{INQUIRY}/access/links", access_staff_views.create_link)
    r.add_get(f"{INQUIRY}/access/print", access_staff_views.print_page)
    r.add_get(f"{INQUIRY}/participants", access_staff_views.participants_page)
    r.add_post(r"/access/codes/{code_id:\d+}/revoke", access_staff_views.revoke)
    r.add_post(r"/access/codes/{code_id:\d+}/reissue", access_staff_views.reissue)
    r.add_post(r"/participants/{participant_id:\d+}/{action:revoke-devices|remove|reissue-access}",
               access_staff_views.member_action)
    r.add_post(f"{API}/join", access_api.join)
    r.add_post(f"{API}/recover", access_api.recover)
    r.add_post(f"{API}/expert-links/use",
               access_api.link_endpoint(CodeKind.EXPERT, "Use an expert link (once); sets the device cookie"))
    r.add_post(f"{API}/observer-links/use",
               access_api.link_endpoint(CodeKind.OBSERVER, "Use an observer link; sets the device cookie"))
    r.add_get(f"{API}/me/participant", access_api.me)
    r.add_get(f"{API}{INQUIRY}/codes", access_staff_api.list_codes)
    r.add_post(f"{API}{INQUIRY}/codes", access_staff_api.generate)
    r.add_post(f"{API}{INQUIRY}/expert-links", access_staff_api.link_creator(
        CodeKind.EXPERT, "Create a single-use expert link for one session"))
    r.add_post(f"{API}{INQUIRY}/observer-links", access_staff_api.link_creator(
        CodeKind.OBSERVER, "Create a reusable, read-only observer link"))
    r.add_get(f"{API}{INQUIRY}/participants", access_staff_api.list_members)
    r.add_post(API + r"/codes/{code_id:\d+}/revoke", access_staff_api.revoke)
    r.add_post(API + r"/codes/{code_id:\d+}/reissue", access_staff_api.reissue)
    participant = API + r"/participants/{participant_id:\d+}"
    r.add_post(f"{participant}/revoke-devices", access_staff_api.revoke_devices)
    r.add_post(f"{participant}/remove", access_staff_api.remove)
    r.add_post(f"{participant}/reissue-access", access_staff_api.reissue_access)

    # Inquiries (convenors)
    r.add_get("/inquiries", inquiry_views.list_page)
    r.add_post("/inquiries", inquiry_views.create)
    r.add_get("/inquiries/{inquiry_id}", inquiry_views.detail_page)
    r.add_get("/inquiries/{inquiry_id}/edit", inquiry_views.edit_page)
    r.add_post("/inquiries/{inquiry_id}/edit", inquiry_views.edit)
    r.add_post("/inquiries/{inquiry_id}/sessions", inquiry_views.add_session)
    r.add_post("/inquiries/{inquiry_id}/facilitators", inquiry_views.assign)
    r.add_post("/inquiries/{inquiry_id}/facilitators/{staff_id}/remove", inquiry_views.unassign)
    r.add_get("/inquiries/{inquiry_id}/audit", inquiry_views.audit_page)
    inquiries = f"{API}/inquiries"
    r.add_get(inquiries, inquiry_api.list_inquiries)
    r.add_post(inquiries, inquiry_api.create_inquiry)
    r.add_get(inquiries + "/{inquiry_id}", inquiry_api.get_inquiry)
    r.add_patch(inquiries + "/{inquiry_id}", inquiry_api.patch_inquiry)
    r.add_get(inquiries + "/{inquiry_id}/sessions", inquiry_api.list_sessions)
    r.add_post(inquiries + "/{inquiry_id}/sessions", inquiry_api.add_session)
    r.add_post(inquiries + "/{inquiry_id}/facilitators/{staff_id}", inquiry_api.assign_facilitator)
    r.add_delete(inquiries + "/{inquiry_id}/facilitators/{staff_id}", inquiry_api.unassign_facilitator)
    r.add_get(inquiries + "/{inquiry_id}/audit", inquiry_api.read_audit)

    # The live room (socket.io is attached in create_app; these are its pages and HTTP twin)
    r.add_get("/s/{session_id}/record", room_views.record_page)
    r.add_get(f"{API}/sessions/{{session_id}}/record", room_api.read_record)
    for name in DISPATCH:
        r.add_post(f"{API}/sessions/{{session_id}}/{name}", room_api.request_handler(name))
    r.add_get(f"{API}/sessions/{{session_id}}/log", room_api.read_log)
    r.add_get("/s/{session_id}", room_views.room_page)
    r.add_get("/s/{session_id}/console", room_views.console_page)
    r.add_post("/s/{session_id}/do/{name}", room_views.form_action)
    r.add_post("/s/{session_id}/materials", room_views.upload_pdf)
    r.add_get("/s/{session_id}/materials/{material_id:\\d+}", room_views.material)
    r.add_get("/s/{session_id}/moderation.csv", room_views.moderation_csv)

    # Allocation rounds, ballots, receipts, published decisions
    r.add_get("/rounds", round_views.rounds_index)
    r.add_get("/rounds/new", round_views.new_round)
    r.add_post("/rounds", round_views.create_round)
    r.add_get(f"/rounds/{ROUND}", round_views.show_round)
    r.add_post(f"/rounds/{ROUND}/{{action:open|close|cancel}}", round_views.staff_action)
    r.add_get(f"/rounds/{ROUND}/ballot", round_views.ballot_page)
    r.add_post(f"/rounds/{ROUND}/ballot", round_views.cast)
    r.add_get(f"/rounds/{ROUND}/receipt", round_views.receipt_page)
    rounds = f"{API}/rounds"
    r.add_post(rounds, round_api.create)
    r.add_get(f"{rounds}/{ROUND}", round_api.show)
    r.add_post(f"{rounds}/{ROUND}/open", round_api.open_)
    r.add_post(f"{rounds}/{ROUND}/close", round_api.close)
    r.add_post(f"{rounds}/{ROUND}/cancel", round_api.cancel)
    r.add_post(f"{rounds}/{ROUND}/ballot", round_api.cast)
    r.add_get(f"{rounds}/{ROUND}/receipt", round_api.receipt)
    r.add_get("/decisions", decision_views.index)
    r.add_get("/decisions.atom", decision_views.feed)
    r.add_get(f"/decisions/{ROUND}", decision_views.show)
    r.add_get(f"/decisions/{ROUND}.json", decision_views.as_json)
    r.add_get(f"/decisions/{ROUND}.csv", decision_views.as_csv)
    r.add_get(f"/decisions/{ROUND}.pb", decision_views.as_pb)
    r.add_post(f"/decisions/{ROUND}/receipt", decision_views.find_receipt)
    r.add_post(f"/decisions/{ROUND}/statement", decision_views.statement)

    # Proposals, the ranking phase and shortlists
    s, p = f"{API}/sessions/{{session_id}}", f"{API}/proposals/{{proposal_id}}"
    r.add_get(f"{s}/proposals", proposal_api.list_proposals)
    r.add_post(f"{s}/proposals", proposal_api.draft)
    r.add_get(p, proposal_api.show)
    r.add_post(f"{p}/amend", proposal_api.amend)
    r.add_post(f"{p}/withdraw", proposal_api.withdraw)
    r.add_post(f"{p}/merge", proposal_api.merge)
    r.add_post(f"{p}/comments", proposal_api.comment)
    r.add_post(f"{API}/amendments/{{amendment_id}}/decide", proposal_api.decide)
    r.add_get(f"{s}/ranking", proposal_api.ranking_status)
    r.add_post(f"{s}/ranking/ballot", proposal_api.submit_ballot)
    r.add_post(f"{s}/ranking/method", proposal_api.choose_method)
    r.add_get(f"{s}/ranking/result", proposal_api.ranking_result)
    r.add_get("/s/{session_id}/proposals", proposal_views.show_list)
    r.add_post("/s/{session_id}/proposals", proposal_views.draft)
    r.add_get("/proposals/{proposal_id}", proposal_views.show)
    r.add_post("/proposals/{proposal_id}/amend", proposal_views.amend)
    r.add_post("/proposals/{proposal_id}/withdraw", proposal_views.withdraw)
    r.add_post("/proposals/{proposal_id}/merge", proposal_views.merge)
    r.add_post("/proposals/{proposal_id}/comments", proposal_views.comment)
    r.add_post("/amendments/{amendment_id}/decide", proposal_views.decide)
    r.add_get("/s/{session_id}/ranking", ranking_views.show)
    r.add_post("/s/{session_id}/ranking", ranking_views.submit)
    r.add_post("/s/{session_id}/ranking/method", ranking_views.choose_method)
    r.add_get("/s/{session_id}/ranking/result", ranking_views.result_page)
    r.add_post("/s/{session_id}/shortlists", shortlist_views.propose)
    r.add_get("/shortlists/{shortlist_id}", shortlist_views.show)
    r.add_post("/shortlists/{shortlist_id}", shortlist_views.review)
    r.add_post(f"{s}/shortlists", shortlist_views.api_propose)
    r.add_get(f"{API}/shortlists/{{shortlist_id}}", shortlist_views.api_show)
    r.add_post(f"{API}/shortlists/{{shortlist_id}}/costs", shortlist_views.api_costs)
    r.add_post(f"{API}/shortlists/{{shortlist_id}}/accept", shortlist_views.api_accept)
