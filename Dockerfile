# loyaltyd image: built on Debian 12, run on Debian 12 slim as a non-root user.
FROM debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc make cmake pkg-config \
      libmicrohttpd-dev libjansson-dev libpq-dev libssl-dev libcurl4-openssl-dev nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# the dashboard's charting library, from web/'s lock file (compiled into the binary)
COPY web/package.json web/package-lock.json web/
RUN cd web && npm ci --no-audit --no-fund --loglevel=error
COPY web/src web/src
COPY CMakeLists.txt openapi.yaml ./
COPY cmake cmake
COPY server server
COPY sql sql
# only the service: the tests and bench helpers are not part of the image
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DLOYALTYD_BUILD_TESTS=OFF \
 && cmake --build build -j"$(nproc)" --target loyaltyd

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libmicrohttpd12 libjansson4 libpq5 libssl3 \
      libcurl4 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --shell /usr/sbin/nologin loyaltyd
COPY --from=build /src/build/loyaltyd /usr/local/bin/loyaltyd
USER loyaltyd
ENV LOYALTYD_LISTEN=0.0.0.0:8080
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/loyaltyd"]
CMD ["serve"]
