"""Pushes an image and two referrers (with `subject`) to a registry with the ORAS Python SDK.

Usage: oras_push.py HOST:PORT REPOSITORY WORKDIR
Prints one JSON object: {"subject": <digest>, "referrers": [<digest>, ...]}.
"""


import json
import os
import sys

import oras.client
import oras.oci
import oras.provider


def main() -> None:
    host, repo, work = sys.argv[1], sys.argv[2], sys.argv[3]
    client = oras.provider.Registry(hostname=host, insecure=True)

    def write(name: str, data: bytes) -> str:
        path = os.path.join(work, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    layer = write("layer.txt", b"the subject's only layer\n")
    config = write("config.json", b"{}")
    resp = client.push(
        target=f"{host}/{repo}:v1",
        files=[layer],
        manifest_config=f"{config}:application/vnd.oci.image.config.v1+json",
        disable_path_validation=True,
        quiet=True,
    )
    resp.raise_for_status()
    head = client.session.head(
        f"http://{host}/v2/{repo}/manifests/v1",
        headers={"Accept": "application/vnd.oci.image.manifest.v1+json"},
    )
    head.raise_for_status()
    subject_digest = head.headers["Docker-Content-Digest"]
    subject_size = int(head.headers["Content-Length"])
    subject = oras.oci.Subject(
        mediaType="application/vnd.oci.image.manifest.v1+json",
        digest=subject_digest,
        size=subject_size,
    )

    referrers = []
    for i, media in enumerate(
        ["application/vnd.cyclonedx+json", "application/vnd.dev.cosign.artifact.sig.v1+json"]
    ):
        payload = write(f"artifact{i}.json", json.dumps({"n": i}).encode())
        cfg = write(f"cfg{i}.json", b"{}")
        r = client.push(
            target=f"{host}/{repo}:ref{i}",
            files=[payload],
            manifest_config=f"{cfg}:{media}",
            manifest_annotations={"org.example.index": str(i)},
            subject=subject,
            disable_path_validation=True,
            quiet=True,
        )
        r.raise_for_status()
        h = client.session.head(
            f"http://{host}/v2/{repo}/manifests/ref{i}",
            headers={"Accept": "application/vnd.oci.image.manifest.v1+json"},
        )
        h.raise_for_status()
        referrers.append(h.headers["Docker-Content-Digest"])

    print(json.dumps({"subject": subject_digest, "referrers": referrers}))



if __name__ == "__main__":
    main()
