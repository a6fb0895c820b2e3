module example.com/siteserver

go 1.19
