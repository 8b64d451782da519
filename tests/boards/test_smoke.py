import pytest

pytestmark = pytest.mark.django_db


def test_everything_answers(board, client_for, make_ticket):
    t = make_ticket()
    c = client_for("superadmin")
    for url in [
        "/api/tickets/tickets/",
        f"/api/tickets/tickets/{t.pk}/",
        "/api/tickets/projects/",
        "/api/tickets/columns/",
        "/api/tickets/tags/",
        "/api/tickets/contacts/",
        f"/api/tickets/comments/?ticket={t.pk}",
        "/api/tickets/attachments/",
        "/api/tickets/companies/",
        f"/api/tickets/companies/{board.company.pk}/",
        f"/api/tickets/companies/{board.company.pk}/stats/",
        f"/api/tickets/companies/{board.company.pk}/tickets/",
        "/api/tickets/users/",
        f"/api/tickets/users/{board.users['admin'].pk}/",
        f"/api/tickets/users/{board.users['admin'].pk}/roles/",
    ] + [
        f"/api/tickets/dashboard/{d}/?project={board.project.pk}"
        for d in [
            "company-health",
            "attention-needed",
            "newest",
            "activity",
            "workload",
            "kanban-summary",
        ]
    ]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.content)
