module example.com/stockroom

go 1.19

require example.com/statuskit v1.2.0
