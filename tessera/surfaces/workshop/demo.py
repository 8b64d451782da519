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
