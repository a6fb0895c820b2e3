FROM stagecraft/gcc:12 AS build
WORKDIR /src
COPY doctor.c ./
# A normal dynamic build against Debian's glibc: it needs libc.so.6 and the loader at run time.
RUN mkdir -p /out && gcc -O2 -Wall -o /out/doctor doctor.c

# The same C library family as the builder: distroless "cc" adds Debian's glibc, libgcc_s,
# libstdc++ and libssl to the static flavour. Still no shell and no package manager.
FROM stagecraft/distroless-cc:nonroot
COPY --from=build /out/doctor /usr/local/bin/doctor
# The :nonroot images already run as 65532; saying so keeps it visible here.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/doctor"]
