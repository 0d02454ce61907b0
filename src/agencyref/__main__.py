from agencyref._entry import run

run()
