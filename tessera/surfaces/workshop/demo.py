"""Demo for document 000: a repair shop with its five roles."""

from __future__ import annotations

from tessera.core.demo.builder import DemoBuilder


def load(demo: DemoBuilder) -> None:
    master = demo.user(
        "ws_master", surface="workshop", role="master", first_name="Marta", last_name="Master"
    )
    superadmin = demo.user(
        "ws_superadmin", surface="workshop", role="super_admin", first_name="Sam", last_name="Super"
    )
    ops = demo.user(
        "ws_ops", surface="workshop", role="ops_manager", first_name="Olga", last_name="Ops"
    )
    tech1 = demo.user(
        "ws_tech1", surface="workshop", role="technician", first_name="Tom", last_name="Tech"
    )
    tech2 = demo.user(
        "ws_tech2", surface="workshop", role="technician", first_name="Tina", last_name="Tech"
    )
    qc = demo.user(
        "ws_qc", surface="workshop", role="qc_inspector", first_name="Quinn", last_name="Checker"
    )
    project = demo.project(template="workshop", key="WSHOP", name="Repair Shop", owner=superadmin)
    for user, role in [
        (master, "master"),
        (superadmin, "super_admin"),
        (ops, "ops_manager"),
        (tech1, "technician"),
        (tech2, "technician"),
        (qc, "qc_inspector"),
    ]:
        demo.member(project, user, role)
    _seed(project, master=master, ops=ops, tech1=tech1, tech2=tech2, qc=qc, admin=superadmin)


def _seed(project, *, master, ops, tech1, tech2, qc, admin) -> None:
    """Tickets in every state, once: skipped when the project already has workshop tickets."""
    from tessera.core.projects import permissions
    from tessera.core.workshop import services
    from tessera.core.workshop.models import InventoryItem, TicketMetrics
    from tessera.core.workshop.services import PartInput

    if TicketMetrics.objects.filter(ticket__project=project).exists():
        return
    for user in (master, ops, tech1, tech2, qc, admin):
        permissions.forget(user)

    def intake(serial: str, name: str, parts: list[tuple[str, str, int, int]]):
        return services.workshop_ticket_create(
            actor=master,
            project=project,
            serial_number=serial,
            item_name=name,
            title=f"Repair {name}",
            parts=[PartInput(n, c, m, x) for n, c, m, x in parts],
            confirm_create=not InventoryItem.objects.filter(serial_number=serial).exists(),
            create_reason="Demo intake",
        )

    # NEW, awaiting admin review
    intake("DEMO-SN-001", 'Laptop 14"', [("Keyboard", "green", 20, 5), ("Hinge", "yellow", 40, 10)])
    # ASSIGNED to Tom
    t = intake("DEMO-SN-002", "Tablet", [("Screen", "red", 60, 20)])
    services.workshop_metrics_override(actor=ops, ticket=t)
    services.workshop_ticket_assign(actor=ops, ticket=t, technician=tech1)
    # IN_PROGRESS with Tom, timer running
    t = intake("DEMO-SN-003", "Phone", [("Battery", "green", 15, 5), ("Port", "green", 10, 5)])
    services.workshop_metrics_override(actor=ops, ticket=t, xp_amount=12)
    services.workshop_ticket_assign(actor=ops, ticket=t, technician=tech1)
    services.workshop_ticket_start(actor=tech1, ticket=t)
    # WAITING_QC with Tina
    t = intake("DEMO-SN-004", "Router", [("Antenna", "yellow", 30, 8)])
    services.workshop_metrics_override(actor=admin, ticket=t)
    services.workshop_ticket_assign(actor=ops, ticket=t, technician=tech2)
    services.workshop_ticket_start(actor=tech2, ticket=t)
    services.work_session_stop(actor=tech2, ticket=t)
    services.workshop_ticket_to_waiting_qc(actor=tech2, ticket=t)
    # DONE (first pass, XP credited) with Tina
    t = intake("DEMO-SN-005", "Printer", [("Roller", "green", 45, 15)])
    services.workshop_metrics_override(actor=ops, ticket=t)
    services.workshop_ticket_assign(actor=ops, ticket=t, technician=tech2)
    services.workshop_ticket_start(actor=tech2, ticket=t)
    services.work_session_stop(actor=tech2, ticket=t)
    services.workshop_ticket_to_waiting_qc(actor=tech2, ticket=t)
    services.qc_pass(actor=qc, ticket=t)
    # An archived item: intake for its serial points to the restore endpoint
    item = InventoryItem.objects.get(serial_number="DEMO-SN-005")
    services.inventory_item_archive(actor=ops, item=item)
