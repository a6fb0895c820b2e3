# One stage: the compiler, the headers, make, the source and the tool all ship together.
FROM stagecraft/gcc:12

WORKDIR /src
COPY . .
RUN make && cp crcsum /usr/local/bin/crcsum

CMD crcsum --self-test
