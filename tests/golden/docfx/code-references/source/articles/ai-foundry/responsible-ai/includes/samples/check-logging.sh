#!/bin/sh
# <show>
az cognitiveservices account show -n name -g group
# </show>
