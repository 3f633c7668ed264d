"""A few hundred YAML files that are not any app's mail settings: the data
of installed packages (ansible-core, pre-commit, yamllint) and generated
look-alikes that mention smtp and mail without being a mapped app."""

from __future__ import annotations

import importlib.util
from pathlib import Path

PACKAGES = ("ansible", "pre_commit", "yamllint")


def package_yaml() -> list[Path]:
    found = []
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            found.extend(p for p in Path(location).rglob("*") if p.suffix in (".yml", ".yaml")
                         and p.is_file())
    return sorted(found)


def _k8s(index: int) -> str:
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{index}
spec:
  template:
    spec:
      containers:
        - name: app
          image: example/app:{index}
          env:
            - name: SMTP_HOST
              value: mail.example.org
            - name: SMTP_PORT
              value: "465"
            - name: SMTP_SECURITY
              value: starttls
            - name: SMTP_PASSWORD
              value: not-a-mapped-app
---
apiVersion: v1
kind: Service
metadata:
  name: app-{index}
spec:
  ports: [{{port: 587}}]
"""


def _workflow(index: int) -> str:
    return f"""name: notify {index}
on: [push]
jobs:
  mail:
    runs-on: ubuntu-latest
    steps:
      - uses: dawidd6/action-send-mail@v3
        with:
          server_address: smtp.gmail.com
          server_port: 465
          secure: false
          username: ${{{{ secrets.MAIL_USERNAME }}}}
          password: literal-but-not-an-app
          subject: build {index}
"""


def _compose(index: int) -> str:
    return f"""services:
  web{index}:
    image: ghcr.io/example/web:{index}
    environment:
      - SMTP_HOST=mail.example.org
      - SMTP_PORT=465
      - SMTP_SECURITY=starttls
      - SMTP_PASSWORD=hunter{index}
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
"""


def _helm(index: int) -> str:
    return f"""replicaCount: {index}
image:
  repository: quay.io/keycloak/keycloak
smtp:
  enabled: true
  host: smtp.example.org
  port: 587
  ssl: true
  starttls: true
  password: hunter{index}
ingress:
  enabled: false
"""


def _playbook(index: int) -> str:
    return f"""- hosts: web{index}
  tasks:
    - name: users
      ansible.builtin.user:
        name: mail
        comment: smtp relay user
    - name: mail config
      ansible.builtin.template:
        src: main.cf.j2
        dest: /etc/postfix/main.cf
    - name: restart
      ansible.builtin.service: {{name: postfix, state: restarted}}
"""


def _broken(index: int) -> str:
    return f"smtp_smarthost: [unclosed {index}\n  mail: : :\n"


GENERATORS = {"k8s/deploy-{i}.yaml": _k8s, ".github/workflows/mail-{i}.yml": _workflow,
              "compose/{i}/docker-compose.yml": _compose, "charts/keycloak-{i}/values.yaml": _helm,
              "playbooks/site-{i}.yml": _playbook, "broken/file-{i}.yml": _broken}


def write_generated(root: Path, count: int = 30) -> list[Path]:
    written = []
    for pattern, make in GENERATORS.items():
        for index in range(count):
            path = root / pattern.format(i=index)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(make(index))
            written.append(path)
    hooks = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
    if hooks.is_file():
        (root / ".pre-commit-hooks.yaml").write_text(hooks.read_text())
        written.append(root / ".pre-commit-hooks.yaml")
    return written
