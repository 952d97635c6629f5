/** What Settings > Runners needs to tell an admin how to install a runner: this plane's address and the artifact it serves. */
export type RunnerInstall = { publicBaseUrl: string; artifact: { file: string; version: string; sha256: string; url: string } | null };

/** The shell commands of a runner's install, registration and service, in the order an admin runs them on its host. */
export function runnerInstallCommands(install: RunnerInstall, token: string): { install: string | null; register: string; start: string; service: string } {
  const artifact = install.artifact;
  return {
    install: artifact
      ? `sudo mkdir -p /opt/scm-runner && curl -fsSL ${artifact.url} | sudo tar -xz -C /opt/scm-runner --strip-components=1 && sudo ln -sf /opt/scm-runner/scm-runner.mjs /usr/local/bin/scm-runner`
      : null,
    register: `sudo scm-runner register --url ${install.publicBaseUrl} --token ${token}`,
    start: "sudo scm-runner start",
    service: "sudo cp /opt/scm-runner/scm-runner.service /etc/systemd/system/ && sudo systemctl daemon-reload && sudo systemctl enable --now scm-runner && sudo scm-runner status",
  };
}
