# flowcost in a container: the .deb built from this source tree (the recipe
# of docs/install.md, dist/build-deb.sh), installed into Debian 12 slim with
# only the runtime libraries the package depends on, run as a non-root user.
#
#   docker build --build-arg FLOWCOST_COMMIT="$(git rev-parse HEAD)" -t flowcost .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" flowcost report logs/ -o report.html
#
# Written without Docker at hand (the machine it was written on has none):
# see docs/install.md for what was checked and how.

# ---- build: the .deb ----
FROM debian:12-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config dpkg-dev file \
      libcurl4-openssl-dev libssl-dev libcjson-dev libxml2-dev libgraphviz-dev libisal-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The build context has no .git (.dockerignore): pass the commit for --version.
ARG FLOWCOST_COMMIT=""
RUN FLOWCOST_COMMIT="$FLOWCOST_COMMIT" JOBS="$(nproc)" sh dist/build-deb.sh /src /build \
 && cp /build/flowcost_*.deb /flowcost.deb

# ---- runtime: the package and what it Depends on ----
FROM debian:12-slim
COPY --from=build /flowcost.deb /tmp/flowcost.deb
# apt resolves the package's Depends (computed by dpkg-shlibdeps) to the
# runtime libraries only; ca-certificates for https (S3, EC2, smtps).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/flowcost.deb ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/flowcost.deb \
 && useradd --system --uid 10001 --user-group --create-home --home-dir /home/flowcost flowcost \
 && mkdir /work \
 && chown flowcost:flowcost /work \
 && flowcost --version
USER flowcost
WORKDIR /work
ENTRYPOINT ["flowcost"]
CMD ["--help"]
