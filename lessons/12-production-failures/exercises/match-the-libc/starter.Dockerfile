FROM stagecraft/gcc:12 AS build
WORKDIR /src
COPY doctor.c ./
RUN mkdir -p /out && gcc -O2 -Wall -o /out/doctor doctor.c

# The smallest distroless flavour: no shell, no package manager, very little to attack.
FROM stagecraft/distroless-static:nonroot
COPY --from=build /out/doctor /usr/local/bin/doctor
# The :nonroot images already run as 65532; saying so keeps it visible here.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/doctor"]
