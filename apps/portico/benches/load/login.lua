-- wrk script: log in as the account `rss.sh` registers, again and again.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"login": "bench", "password": "violet tractor sings"}'
