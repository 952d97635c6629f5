# syntax=docker/dockerfile:1
# A runner: the runner artifact (scm-runner, plain Node 20) with git, curl and useradd/userdel. It runs
# as root so that every environment gets an OS user of its own (isolation), and keeps its key,
# registration and environments in the /var/lib/scm-runner volume.
#
#   docker build -f runner.Dockerfile -t scm-runner .                                # builds the artifact
#   docker build -f runner.Dockerfile --target runner-from-dist -t scm-runner .      # takes dist/runner/scm-runner
#                                                                                    #   from `npm run build` here
#   docker run -v scm-runner:/var/lib/scm-runner -e PLANE_URL=https://scm.example.com \
#     -e RUNNER_REGISTRATION_TOKEN=scmr_reg_... scm-runner
#
# docker/runner-entrypoint.sh registers the runner on its first start (when the volume holds no
# registration), then runs `scm-runner start`. Other arguments run scm-runner itself:
# `docker run --rm scm-runner version`, `docker exec CONTAINER scm-runner status`.
# Build arguments and the npm_ca secret as in Dockerfile.
ARG NODE_IMAGE=node:20-bookworm-slim

# The same steps as Dockerfile's deps stage, so a builder that built the plane reuses the layer.
FROM ${NODE_IMAGE} AS deps
ARG NPM_CONFIG_REGISTRY=https://registry.npmjs.org/
WORKDIR /src
COPY package.json package-lock.json ./
# Every dependency, the development ones too: the build type-checks the whole project.
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --no-audit --no-fund --loglevel=warn && npm cache clean --force

# The artifact alone (what `npm run build` makes first): dist/runner/scm-runner.
FROM ${NODE_IMAGE} AS artifact
WORKDIR /src
COPY --from=deps /src/node_modules ./node_modules
COPY . .
RUN node scripts/build-runner.mjs

FROM ${NODE_IMAGE} AS runner-base
# git for clones, curl for the credential helper, passwd for useradd/userdel, tini to reap the
# processes environments leave behind and pass signals on.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git curl ca-certificates passwd tini \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
ENV RUNNER_DATA_DIR=/var/lib/scm-runner
RUN ln -s /opt/scm-runner/scm-runner.mjs /usr/local/bin/scm-runner \
 && mkdir -p /var/lib/scm-runner && chmod 0700 /var/lib/scm-runner
COPY docker/runner-entrypoint.sh /usr/local/bin/runner-entrypoint.sh
VOLUME ["/var/lib/scm-runner"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/runner-entrypoint.sh"]
CMD ["start"]

# The artifact from this build context (dist/runner/scm-runner, made by `npm run build` or
# `npm run build:runner`): no npm in the image build.
FROM runner-base AS runner-from-dist
COPY dist/runner/scm-runner/ /opt/scm-runner/

# The default: the artifact built above.
FROM runner-base AS runner
COPY --from=artifact /src/dist/runner/scm-runner/ /opt/scm-runner/
